package com.crm.shopifysync.sync.deadletter;

import com.crm.shopifysync.sync.api.PageOf;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Locale;
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
        return deadLetters.listByShop(shopDomain, state, Page.of(page, size))
                .chain(rows -> deadLetters.countByShop(shopDomain, state)
                        .map(total -> RestResponse.ok(new PageOf<>(rows.stream().map(DeadLetterView::of).toList(), page, size, total))));
    }

    /** Republishes the original event; 202 with the dead letter, now replayed. Replaying again is harmless. */
    @POST
    @Path("/{id}/replay")
    public Uni<RestResponse<DeadLetterView>> replay(@RestPath String shop, @RestPath long id) {
        return replayer.replay(normalized(shop), id).map(found -> found
                .map(letter -> RestResponse.status(RestResponse.Status.ACCEPTED, DeadLetterView.of(letter)))
                .orElseGet(RestResponse::notFound));
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
        return shop.toLowerCase(Locale.ROOT);
    }
}
