package com.crm.shopifysync.sync.webhook;

import static com.crm.shopifysync.sync.webhook.WebhookRecords.customerJson;
import static com.crm.shopifysync.sync.webhook.WebhookRecords.delivery;
import static com.crm.shopifysync.sync.webhook.WebhookRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.testing.KafkaTestResource;
import com.crm.shopifysync.testing.PostgresTestResource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * With tracing on, a webhook record's {@code traceparent} header (put there by the gateway) continues into the
 * sync-service: the consumption of the record is a span of the same trace.
 */
@QuarkusTest
@TestProfile(WebhookTracingTest.TracingOn.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class WebhookTracingTest {

    static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

    public static class TracingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false");
        }
    }

    /** Spans stay in the process: the SDK exports to every SpanExporter bean. */
    @ApplicationScoped
    static class Exporter {
        @Produces
        @Singleton
        InMemorySpanExporter spans() {
            return InMemorySpanExporter.create();
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    InMemorySpanExporter spans;

    @Test
    void consumingAWebhookContinuesTheTraceOfItsRecord() {
        String shop = "trace.myshopify.com";
        ProducerRecord<String, byte[]> traced = record(delivery("customers/create", shop), customerJson(77, "t@example.com", "2026-01-01T00:00:00Z"));
        traced.headers().add("traceparent", ("00-" + TRACE_ID + "-b7ad6b7169203331-01").getBytes(StandardCharsets.UTF_8));
        try (WebhookRecords kafka = new WebhookRecords(bootstrapServers)) {
            kafka.send(traced);
            await().atMost(Duration.ofSeconds(30)).until(() -> PostgresTestResource.count(
                    "SELECT count(*) FROM customers WHERE shop_domain = '" + shop + "' AND shopify_id = 77") == 1);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<SpanData> ofTrace = spans.getFinishedSpanItems().stream().filter(span -> span.getTraceId().equals(TRACE_ID)).toList();
            assertThat(ofTrace).as("spans of the record's trace among %s", spans.getFinishedSpanItems()).isNotEmpty();
            assertThat(ofTrace).anySatisfy(span -> assertThat(span.getName()).contains("shopify.webhooks"));
        });
    }
}
