package com.crm.shopifysync.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.crm.shopifysync.testing.Fixtures;
import com.crm.shopifysync.testing.KafkaTestResource;
import com.crm.shopifysync.testing.SignedWebhook;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * With tracing on, a webhook's trace continues into Kafka: the published record carries a W3C {@code traceparent}
 * header of the same trace as the request (the sync-service's consumer picks it up from there).
 */
@QuarkusTest
@TestProfile(WebhookTracingTest.TracingOn.class)
@WithTestResource(KafkaTestResource.class)
class WebhookTracingTest {

    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    /** The SDK on, spans kept in the process (no collector here). */
    public static class TracingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.traces.exporter", "none");
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void thePublishedRecordCarriesTheRequestsTraceContext() {
        SignedWebhook webhook = SignedWebhook.of("customers/create", "trace.myshopify.com", Fixtures.webhook("customers/create"),
                ShopifyWebhookResourceTest.SECRET);
        try (PublishedWebhooks published = new PublishedWebhooks(bootstrapServers)) {
            given().headers(webhook.headers()).header("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01")
                    .body(webhook.body()).post("/webhooks/shopify").then().statusCode(200);
            ConsumerRecord<String, byte[]> record = published.awaitWebhook(webhook.webhookId());
            String traceparent = PublishedWebhooks.header(record, "traceparent");
            assertThat(traceparent).as("traceparent header of the record").isNotNull().startsWith("00-" + TRACE_ID + "-")
                    .doesNotContain("00f067aa0ba902b7");
        }
    }
}
