package com.crm.shopifysync.sync.deadletter;

import com.crm.shopifysync.model.ShopDomains;
import com.crm.shopifysync.sync.api.PageOf;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import java.util.Set;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * {@code /api/shops/{shop}/dead-letters}: webhooks that could not be applied. HMAC failures never appear here
 * (they never reach Kafka).
 */
@Path("/api/shops/{shop}/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    private static final Set<String> STATES = Set.of(DeadLetterEntity.DEAD, DeadLetterEntity.REPLAYED, DeadLetterEntity.DISCARDED, "all");

    private final DeadLetterRepository deadLetters;
    private final DeadLetterReplayer replayer;

    public DeadLetterResource(DeadLetterRepository deadLetters, DeadLetterReplayer replayer) {
        this.deadLetters = deadLetters;
        this.replayer = replayer;
    }

    /** {@code {"count": n}}: dead letters still to be dealt with (state dead). */
    @GET
    @Path("/count")
    @WithSession
    public Uni<Map<String, Long>> count(@RestPath String shop) {
        return deadLetters.countByShop(normalized(shop), DeadLetterEntity.DEAD).map(count -> Map.of("count", count));
    }

    /** Newest first; {@code state} is dead (default), replayed, discarded or all. */
    @GET
    @WithSession
    public Uni<RestResponse<PageOf<DeadLetterView>>> list(@RestPath String shop, @RestQuery @DefaultValue("0") int page,
                                                         @RestQuery @DefaultValue("50") int size,
                                                         @RestQuery @DefaultValue("dead") String state) {
        if (!PageOf.isValid(page, size) || !STATES.contains(state)) {
            return Uni.createFrom().item(RestResponse.status(RestResponse.Status.BAD_REQUEST));
        }
        String shopDomain = normalized(shop);
        return deadLetters.listByShop(shopDomain, state, page, size)
                .chain(rows -> deadLetters.countByShop(shopDomain, state)
                        .map(total -> RestResponse.ok(new PageOf<>(rows, page, size, total))));
    }

    /** The payload exactly as Shopify sent it (lists carry at most its first 64 KiB). */
    @GET
    @Path("/{id}/payload")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @WithSession
    public Uni<RestResponse<byte[]>> payload(@RestPath String shop, @RestPath long id) {
        return deadLetters.findById(id).map(letter -> letter == null || !letter.shopDomain.equals(normalized(shop))
                ? RestResponse.<byte[]>notFound() : RestResponse.ok(letter.payload));
    }

    /**
     * Republishes the original event; 202 with the dead letter, now replayed. Replaying again is harmless. 409 for a
     * quarantined bulk row: it is no webhook (the next sync reads it again once it is fixed in Shopify).
     */
    @POST
    @Path("/{id}/replay")
    public Uni<RestResponse<?>> replay(@RestPath String shop, @RestPath long id) {
        return replayer.replay(normalized(shop), id).map(outcome -> switch (outcome.result()) {
            case REPLAYED -> RestResponse.status(RestResponse.Status.ACCEPTED, DeadLetterView.of(outcome.letter()));
            case NOT_REPLAYABLE -> RestResponse.status(RestResponse.Status.CONFLICT, Map.of("error",
                    "a quarantined bulk row is not a webhook: it is read again by the next sync once it is fixed in Shopify"));
            case NOT_FOUND -> RestResponse.notFound();
        });
    }

    /** Republishes every dead letter of the shop in state dead: {@code {"replayed": n}}. */
    @POST
    @Path("/replay")
    public Uni<RestResponse<Map<String, Integer>>> replayAll(@RestPath String shop) {
        return replayer.replayAll(normalized(shop))
                .map(count -> RestResponse.status(RestResponse.Status.ACCEPTED, Map.of("replayed", count)));
    }

    @POST
    @Path("/{id}/discard")
    public Uni<RestResponse<DeadLetterView>> discard(@RestPath String shop, @RestPath long id) {
        return replayer.discard(normalized(shop), id).map(found -> found
                .map(letter -> RestResponse.ok(DeadLetterView.of(letter)))
                .orElseGet(RestResponse::notFound));
    }

    private static String normalized(String shop) {
        return ShopDomains.normalize(shop);
    }
}
