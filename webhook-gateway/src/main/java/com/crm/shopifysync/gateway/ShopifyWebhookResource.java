package com.crm.shopifysync.gateway;

import com.crm.shopifysync.gateway.ShopifyHmacVerifier.Rejection;
import com.crm.shopifysync.model.LogFields;
import com.crm.shopifysync.model.WebhookDelivery;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * {@code POST /webhooks/shopify}: every Shopify topic. Verifies the signature on the raw bytes first,
 * then answers 200 only once Kafka holds the event, so a 200 is a promise that it will be processed.
 *
 * <ul>
 *   <li>401, empty body: missing or wrong HMAC (logged with shop, topic and reason; nothing published)</li>
 *   <li>400: a required Shopify header is missing</li>
 *   <li>413: body above {@code quarkus.http.limits.max-body-size} (answered by the HTTP layer)</li>
 *   <li>503 + Retry-After: Kafka did not acknowledge in time; Shopify retries the delivery</li>
 * </ul>
 */
@Path("/webhooks/shopify")
public class ShopifyWebhookResource {

    static final String HMAC = "X-Shopify-Hmac-Sha256";
    static final String TOPIC = "X-Shopify-Topic";
    static final String SHOP_DOMAIN = "X-Shopify-Shop-Domain";
    static final String WEBHOOK_ID = "X-Shopify-Webhook-Id";
    static final String EVENT_ID = "X-Shopify-Event-Id";
    static final String TRIGGERED_AT = "X-Shopify-Triggered-At";
    static final String API_VERSION = "X-Shopify-API-Version";
    private static final List<String> REQUIRED = List.of(TOPIC, SHOP_DOMAIN, WEBHOOK_ID);

    private static final Logger LOG = Logger.getLogger(ShopifyWebhookResource.class);

    private final ShopifyHmacVerifier verifier;
    private final WebhookPublisher publisher;
    private final GatewayConfig config;
    private final GatewayMetrics metrics;

    private final CatchUpRequests catchUps;

    public ShopifyWebhookResource(GatewayConfig config, @ConfigProperty(name = "shopify.api-secret") Optional<String> appSecret,
                                  WebhookPublisher publisher, GatewayMetrics metrics, CatchUpRequests catchUps) {
        List<String> secrets = new java.util.ArrayList<>();
        appSecret.filter(secret -> !secret.isBlank()).ifPresent(secrets::add);
        secrets.addAll(config.secrets().orElse(List.of()));
        if (secrets.isEmpty()) {
            throw new IllegalStateException("no secret to verify webhooks with: set SHOPIFY_API_SECRET (the app's client secret) "
                    + "or SHOPIFY_WEBHOOKS_SECRETS");
        }
        this.verifier = new ShopifyHmacVerifier(secrets);
        this.publisher = publisher;
        this.config = config;
        this.metrics = metrics;
        this.catchUps = catchUps;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> receive(byte[] body, HttpHeaders headers) {
        Optional<Rejection> rejection = verifier.verify(body, headers.getHeaderString(HMAC));
        if (rejection.isPresent()) {
            try (LogFields fields = LogFields.of(LogFields.SHOP, headers.getHeaderString(SHOP_DOMAIN), LogFields.TOPIC,
                    headers.getHeaderString(TOPIC), LogFields.EVENT_ID, headers.getHeaderString(EVENT_ID))) {
                LOG.warnf("webhook rejected (401): shop=%s topic=%s reason=%s",
                        headers.getHeaderString(SHOP_DOMAIN), headers.getHeaderString(TOPIC), rejection.get().reason());
            }
            metrics.rejected(rejection.get());
            return Uni.createFrom().item(Response.status(Response.Status.UNAUTHORIZED).build());
        }
        Optional<String> missing = REQUIRED.stream().filter(name -> isBlank(headers.getHeaderString(name))).findFirst();
        if (missing.isPresent()) {
            metrics.badRequest(missing.get());
            return Uni.createFrom().item(Response.status(Response.Status.BAD_REQUEST)
                    .type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("error", "missing header " + missing.get()))
                    .build());
        }
        WebhookDelivery delivery = new WebhookDelivery(
                headers.getHeaderString(TOPIC).strip(),
                headers.getHeaderString(SHOP_DOMAIN).strip(),
                headers.getHeaderString(WEBHOOK_ID).strip(),
                Optional.ofNullable(headers.getHeaderString(EVENT_ID)),
                Optional.ofNullable(headers.getHeaderString(TRIGGERED_AT)),
                Optional.ofNullable(headers.getHeaderString(API_VERSION)),
                Instant.now());
        long started = System.nanoTime();
        return publisher.publish(delivery, body)
                .ifNoItem().after(config.publishTimeout()).fail()
                .map(ignored -> {
                    metrics.accepted(Duration.ofNanos(System.nanoTime() - started));
                    catchUps.published(delivery.shopDomain());
                    return Response.ok().build();
                })
                .onFailure().recoverWithItem(failure -> unavailable(delivery, failure));
    }

    private Response unavailable(WebhookDelivery delivery, Throwable failure) {
        metrics.unavailable();
        catchUps.refused(delivery.shopDomain());
        try (LogFields fields = LogFields.of(LogFields.SHOP, delivery.shopDomain(), LogFields.TOPIC, delivery.topic(),
                LogFields.EVENT_ID, delivery.eventId().orElse(null))) {
            LOG.errorf("webhook not accepted (503), Kafka did not acknowledge: shop=%s topic=%s webhook=%s cause=%s",
                    delivery.shopDomain(), delivery.topic(), delivery.webhookId(), failure.toString());
        }
        return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, config.retryAfter().toSeconds())
                .build();
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
