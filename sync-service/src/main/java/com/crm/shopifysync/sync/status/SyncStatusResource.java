package com.crm.shopifysync.sync.status;

import com.crm.shopifysync.sync.deadletter.DeadLetterEntity;
import com.crm.shopifysync.sync.deadletter.DeadLetterRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Locale;
import org.jboss.resteasy.reactive.RestPath;

/**
 * {@code GET /api/shops/{shop}/sync}: what the CRM shows about a shop's sync. For now the webhooks that could not
 * be applied ({@code deadLetterCount}); the bulk sync's state and progress join it when bulk sync exists.
 */
@Path("/api/shops/{shop}/sync")
@Produces(MediaType.APPLICATION_JSON)
public class SyncStatusResource {

    /** The status of one shop's sync. */
    public record SyncStatus(String shop, long deadLetterCount) {
    }

    private final DeadLetterRepository deadLetters;

    public SyncStatusResource(DeadLetterRepository deadLetters) {
        this.deadLetters = deadLetters;
    }

    @GET
    @WithSession
    public Uni<SyncStatus> status(@RestPath String shop) {
        String shopDomain = shop.toLowerCase(Locale.ROOT);
        return deadLetters.countByShop(shopDomain, DeadLetterEntity.DEAD).map(count -> new SyncStatus(shopDomain, count));
    }
}
