package com.crm.shopifysync.simulator;

import com.crm.shopifysync.model.WebhookSignature;
import com.crm.shopifysync.simulator.SimulatedShop.PendingWebhook;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Sends webhooks as Shopify does: signed with the app's secret, the documented headers, a webhook id per delivery
 * and an event id shared by every delivery of one event (duplicates and other subscriptions' included); a failed
 * delivery (no 2xx within 5 s) is retried with growing delays, eight times, to the address it was first sent to.
 * Deliveries can be dropped, duplicated, delayed or held and released in reverse order on purpose.
 */
public final class WebhookDeliveries {

    public enum Mode { NORMAL, DROP, DUPLICATE, DELAY, HOLD }

    /**
     * Where one delivery goes and how it is signed. A null {@code url} or {@code secret} means the configured
     * gateway's, read at every attempt (the app-level delivery as it always was). {@code name} is the subscription's
     * (sent as {@code X-Shopify-Name}); {@code onGivenUp} runs when the eighth retry failed.
     */
    public record Destination(String url, String secret, String name, Runnable onGivenUp) {

        /** The configured gateway, signed with the configured secret. */
        public static Destination gateway() {
            return new Destination(null, null, null, () -> { });
        }
    }

    private static final Logger LOG = Logger.getLogger(WebhookDeliveries.class.getName());
    private static final int RETRIES = 8;

    private final Vertx vertx;
    private final WebClient client;
    private final String apiVersion;
    private volatile String gatewayUrl;
    private volatile String secret;
    private final long firstRetryDelayMillis;
    private final List<Runnable> held = new ArrayList<>();

    WebhookDeliveries(Vertx vertx, String gatewayUrl, String secret, String apiVersion, long firstRetryDelayMillis) {
        this.vertx = vertx;
        this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(1000).setIdleTimeout(5));
        this.gatewayUrl = gatewayUrl;
        this.secret = secret;
        this.apiVersion = apiVersion;
        this.firstRetryDelayMillis = firstRetryDelayMillis;
    }

    public void configure(String gatewayUrl, String secret) {
        this.gatewayUrl = gatewayUrl;
        this.secret = secret;
    }

    public boolean enabled() {
        return gatewayUrl() != null && secret != null;
    }

    /** The configured gateway's URL, or null when there is none. */
    public String gatewayUrl() {
        String url = gatewayUrl;
        return url == null || url.isBlank() ? null : url;
    }

    /** The configured signing secret (null when none). */
    public String secret() {
        return secret;
    }

    /** Sends one webhook to the configured gateway (nothing when there is none). */
    public void send(String shopDomain, PendingWebhook webhook, Mode mode, long delayMillis) {
        if (enabled()) {
            send(shopDomain, webhook, List.of(Destination.gateway()), mode, delayMillis);
        }
    }

    /** Sends one webhook (one event) to each destination. */
    public void send(String shopDomain, PendingWebhook webhook, List<Destination> destinations, Mode mode, long delayMillis) {
        if (mode == Mode.DROP) {
            return;
        }
        String eventId = UUID.randomUUID().toString();
        Instant triggeredAt = webhook.triggeredAt();
        for (Destination destination : destinations) {
            Runnable delivery = () -> attempt(shopDomain, webhook, destination, eventId, triggeredAt, 0);
            switch (mode) {
                case DUPLICATE -> {
                    delivery.run();
                    vertx.setTimer(50, id -> delivery.run());
                }
                case DELAY -> vertx.setTimer(Math.max(1, delayMillis), id -> delivery.run());
                case HOLD -> {
                    synchronized (held) {
                        held.add(delivery);
                    }
                }
                default -> delivery.run();
            }
        }
    }

    /** Sends the held deliveries, the last held first when {@code reverse}; returns how many. */
    public int release(boolean reverse) {
        List<Runnable> toSend;
        synchronized (held) {
            toSend = new ArrayList<>(held);
            held.clear();
        }
        if (reverse) {
            Collections.reverse(toSend);
        }
        // One after another, so the gateway sees them in exactly this order.
        sendInOrder(toSend, 0);
        return toSend.size();
    }

    private void sendInOrder(List<Runnable> deliveries, int index) {
        if (index < deliveries.size()) {
            deliveries.get(index).run();
            vertx.setTimer(20, id -> sendInOrder(deliveries, index + 1));
        }
    }

    private void attempt(String shopDomain, PendingWebhook webhook, Destination destination, String eventId, Instant triggeredAt,
                         int retry) {
        String url = destination.url() != null ? destination.url() : gatewayUrl();
        String signingSecret = destination.secret() != null ? destination.secret() : secret;
        if (url == null || signingSecret == null) {
            LOG.warning("webhook " + webhook.topic() + " for " + shopDomain + " not sent: no gateway or secret configured");
            return;
        }
        HttpRequest<Buffer> request = client.postAbs(url).timeout(5000);
        if (destination.name() != null) {
            request.putHeader("X-Shopify-Name", destination.name());
        }
        request.putHeader("Content-Type", "application/json")
                .putHeader("X-Shopify-Topic", webhook.topic())
                .putHeader("X-Shopify-Hmac-Sha256", WebhookSignature.sign(signingSecret, webhook.body()))
                .putHeader("X-Shopify-Shop-Domain", shopDomain)
                .putHeader("X-Shopify-Webhook-Id", UUID.randomUUID().toString())
                .putHeader("X-Shopify-Event-Id", eventId)
                .putHeader("X-Shopify-Triggered-At", triggeredAt.toString())
                .putHeader("X-Shopify-API-Version", apiVersion)
                .sendBuffer(Buffer.buffer(webhook.body()))
                .onComplete(result -> {
                    if (result.succeeded() && result.result().statusCode() / 100 == 2) {
                        return;
                    }
                    String why = result.succeeded() ? "HTTP " + result.result().statusCode() : result.cause().toString();
                    if (retry >= RETRIES) {
                        LOG.warning("webhook " + webhook.topic() + " for " + shopDomain + " to " + url + " given up after "
                                + RETRIES + " retries: " + why);
                        destination.onGivenUp().run();
                        return;
                    }
                    long delay = Math.min(60_000, firstRetryDelayMillis << retry);
                    LOG.info("webhook " + webhook.topic() + " for " + shopDomain + " failed (" + why + "), retry in " + delay + " ms");
                    vertx.setTimer(delay, id -> attempt(shopDomain, webhook, destination, eventId, triggeredAt, retry + 1));
                });
    }
}
