package com.crm.shopifysync.sync.store;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Forgets processed webhook events once Shopify can no longer redeliver them (it retries for 4 hours and
 * deliveries can be a day late), so the de-duplication table does not grow forever. Older redeliveries, if one
 * ever came, would still be harmless: last write wins would reject their older data.
 */
@ApplicationScoped
public class ProcessedWebhookRetention {

    private static final Logger LOG = Logger.getLogger(ProcessedWebhookRetention.class);

    private final Duration retention;

    public ProcessedWebhookRetention(@ConfigProperty(name = "sync.webhooks.dedup-retention", defaultValue = "30d") Duration retention) {
        this.retention = retention;
    }

    @Scheduled(every = "${sync.webhooks.dedup-purge-every:1h}", delayed = "${sync.webhooks.dedup-purge-delay:1m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> purgeOnSchedule() {
        return purge().invoke(deleted -> LOG.infof("forgot %d processed webhook events older than %s", deleted, retention))
                .replaceWithVoid();
    }

    /** Deletes the events processed before the retention window; returns how many. */
    public Uni<Integer> purge() {
        OffsetDateTime cutoff = OffsetDateTime.now().minus(retention);
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> session
                .createNativeQuery("DELETE FROM processed_webhooks WHERE processed_at < CAST(:cutoff AS timestamptz)")
                .setParameter("cutoff", cutoff)
                .executeUpdate()));
    }
}
