package com.crm.shopifysync.gateway;

import com.crm.shopifysync.model.ShopDomains;
import com.crm.shopifysync.model.WebhookDelivery;
import com.crm.shopifysync.model.WebhookHeaders;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Shops whose webhooks this gateway answered 503 (Kafka unavailable), and since when. Once Kafka takes events again,
 * each shop refused for at least {@code shopify.webhooks.catch-up-after} gets a {@value WebhookHeaders#CATCH_UP_TOPIC}
 * event on the webhooks topic: the sync-service runs a catch-up sync for it, since Shopify's retries of a long outage
 * may have run out, or come hours late. Shorter outages are left to those retries. Held in memory: a gateway that stops
 * during an outage forgets it, and the scheduled reconciliation heals what is left.
 */
@ApplicationScoped
public class CatchUpRequests {

    private static final Logger LOG = Logger.getLogger(CatchUpRequests.class);

    private final GatewayConfig config;
    private final WebhookPublisher publisher;
    /** Per shop: when this gateway first and last answered one of its webhooks 503, in the outage going on. */
    private record Refusals(Instant first, Instant last) {
    }

    private final Map<String, Refusals> refused = new HashMap<>();

    public CatchUpRequests(GatewayConfig config, WebhookPublisher publisher) {
        this.config = config;
        this.publisher = publisher;
    }

    /** A webhook of the shop was answered 503. */
    public synchronized void refused(String shop) {
        Instant now = Instant.now();
        refused.merge(ShopDomains.normalize(shop), new Refusals(now, now), (known, again) -> new Refusals(known.first(), now));
    }

    /**
     * A webhook of {@code shop} reached Kafka: that shop's outage is over, and so is that of every shop not refused since
     * a Retry-After ago (Shopify would have come back by then: Kafka takes events again). A catch-up for each whose
     * outage lasted at least {@code catch-up-after}.
     */
    public void published(String shop) {
        Map<String, Refusals> ended = new HashMap<>();
        Instant now = Instant.now();
        synchronized (this) {
            if (refused.isEmpty()) {
                return;
            }
            Instant quietSince = now.minus(config.retryAfter());
            refused.entrySet().removeIf(entry -> {
                boolean over = entry.getKey().equals(ShopDomains.normalize(shop)) || entry.getValue().last().isBefore(quietSince);
                if (over) {
                    ended.put(entry.getKey(), entry.getValue());
                }
                return over;
            });
        }
        ended.forEach((domain, refusals) -> {
            if (Duration.between(refusals.first(), now).compareTo(config.catchUpAfter()) >= 0) {
                requestCatchUp(domain, refusals.first(), now);
            }
        });
    }

    private void requestCatchUp(String shop, Instant since, Instant now) {
        String body = "{\"reason\":\"the gateway could not accept webhooks\",\"from\":\"" + since + "\",\"to\":\"" + now + "\"}";
        String id = UUID.randomUUID().toString();
        WebhookDelivery marker = new WebhookDelivery(WebhookHeaders.CATCH_UP_TOPIC, shop, id, Optional.of("catch-up:" + id),
                Optional.of(now.toString()), Optional.empty(), now);
        publisher.publish(marker, body.getBytes(StandardCharsets.UTF_8)).subscribe().with(
                done -> LOG.infof("asked for a catch-up sync of %s: its webhooks were refused from %s to %s", shop, since, now),
                failure -> {
                    // Kafka is away again: the request waits for the next event of the shop that gets through.
                    synchronized (this) {
                        refused.merge(shop, new Refusals(since, now), (known, lost) -> new Refusals(
                                known.first().isBefore(lost.first()) ? known.first() : lost.first(), known.last()));
                    }
                });
    }
}
