package com.crm.shopifysync.sync.webhook;

import static com.crm.shopifysync.sync.webhook.WebhookRecords.customerJson;
import static com.crm.shopifysync.sync.webhook.WebhookRecords.delivery;
import static com.crm.shopifysync.sync.webhook.WebhookRecords.record;
import static com.crm.shopifysync.sync.webhook.WebhookRecords.redelivery;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.model.WebhookDelivery;
import com.crm.shopifysync.sync.Metrics;
import com.crm.shopifysync.testing.KafkaTestResource;
import com.crm.shopifysync.testing.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL becomes unreachable while webhooks keep arriving: nothing is dead-lettered or lost, and
 * once it is back every event is applied exactly once. The service reaches PostgreSQL through a relay
 * the test cuts; the test itself reads the database directly.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = PostgresTestResource.THROUGH_PROXY, value = "true"))
class DatabaseOutageTest {

    static final String SHOP = "outage.myshopify.com";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @AfterEach
    void databaseIsBack() {
        PostgresTestResource.proxy().restore();
    }

    @Test
    void eventsArrivingWhileTheDatabaseIsDownAreAppliedOnceWhenItReturns() throws SQLException {
        // the other tests of this class share the service: count this shop's rows, and the metrics' growth
        double deadLetteredBefore = Metrics.sum("sync_webhook_events_total{outcome=\"dead_lettered\"");
        double appliedBefore = Metrics.sum("sync_webhook_events_total{outcome=\"applied\",topic=\"customers/create\"");
        try (WebhookRecords kafka = new WebhookRecords(bootstrapServers)) {
            kafka.send(record(delivery("customers/create", SHOP), customerJson(1, "before@example.com", "2026-01-01T00:00:00Z")));
            await().atMost(Duration.ofSeconds(20)).until(() -> customers() == 1);

            PostgresTestResource.proxy().cut();
            await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/q/health/ready").statusCode() == 503);
            // Kubernetes must not restart the service because PostgreSQL is down: liveness stays up
            assertThat(given().get("/q/health/live").statusCode()).isEqualTo(200);
            List<ProducerRecord<String, byte[]>> duringOutage = new ArrayList<>();
            for (long id = 2; id <= 51; id++) {
                WebhookDelivery delivery = delivery("customers/create", SHOP);
                String body = customerJson(id, id + "@example.com", "2026-01-01T00:00:00Z");
                duringOutage.add(record(delivery, body));
                if (id % 10 == 0) {
                    duringOutage.add(record(redelivery(delivery), body));
                }
            }
            kafka.send(duringOutage.toArray(ProducerRecord[]::new));
            // the service is trying, and failing, to apply them: only then does the database come back
            await().atMost(Duration.ofSeconds(30)).until(() -> databaseRetries() >= 3);
            assertThat(customers()).isEqualTo(1);

            PostgresTestResource.proxy().restore();

            await().atMost(Duration.ofSeconds(60)).until(() -> customers() == 51);
            assertThat(applied(SHOP)).isEqualTo(51);
            assertThat(PostgresTestResource.count("SELECT count(*) FROM customers WHERE shop_domain = '" + SHOP
                    + "' AND email = shopify_id || '@example.com'")).isEqualTo(50);
            assertThat(Metrics.sum("sync_webhook_events_total{outcome=\"dead_lettered\"") - deadLetteredBefore).isZero();
            // 51 distinct events and 5 redeliveries, all committed; the redeliveries changed nothing (51 rows above)
            assertThat(Metrics.sum("sync_webhook_events_total{outcome=\"applied\",topic=\"customers/create\"") - appliedBefore).isEqualTo(56);
            await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/q/health/ready").statusCode() == 200);
        }
    }

    @Test
    void tenThousandEventsWithOnePercentPoisonAndAnOutageEndExactlyAppliedOrDeadLettered() throws SQLException {
        String shop = "mixed.myshopify.com";
        double retriesBefore = databaseRetries();
        try (WebhookRecords kafka = new WebhookRecords(bootstrapServers)) {
            List<ProducerRecord<String, byte[]>> firstHalf = new ArrayList<>();
            List<ProducerRecord<String, byte[]>> secondHalf = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                boolean poison = i % 100 == 42;
                String body = poison ? "{\"id\": " + i + ", \"email\": " : customerJson(1000 + i % 2500, i + "@example.com",
                        java.time.Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i).toString());
                (i < 5_000 ? firstHalf : secondHalf).add(record(delivery("customers/update", shop), body));
            }
            kafka.send(firstHalf.toArray(ProducerRecord[]::new));
            await().atMost(Duration.ofSeconds(60)).until(() -> PostgresTestResource.count("SELECT count(*) FROM processed_webhooks WHERE shop_domain = '" + shop + "'") > 0);

            PostgresTestResource.proxy().cut();
            kafka.send(secondHalf.toArray(ProducerRecord[]::new));
            await().atMost(Duration.ofSeconds(30)).until(() -> databaseRetries() >= retriesBefore + 3);
            PostgresTestResource.proxy().restore();

            await().atMost(Duration.ofSeconds(120)).until(() -> applied(shop) + deadLettered(shop) >= 10_000);
            assertThat(applied(shop)).isEqualTo(9_900);
            assertThat(deadLettered(shop)).isEqualTo(100);
            // customer 1000 + j gets events j, 2500 + j, 5000 + j, 7500 + j: all poison when j % 100 == 42 (25 customers)
            assertThat(PostgresTestResource.count("SELECT count(*) FROM customers WHERE shop_domain = '" + shop + "'")).isEqualTo(2_475);
            // and every other customer holds its last version, event 7500 + j, whatever the outage did to the order
            assertThat(PostgresTestResource.count("SELECT count(*) FROM customers WHERE shop_domain = '" + shop + "' AND split_part(email, '@', 1)::int = "
                    + "7500 + shopify_id - 1000")).isEqualTo(2_475);
        }
    }

    /**
     * Longer than every timeout of the libraries on the way (the Kafka connector's 60 s unprocessed-record age, the
     * consumer's 5 min poll interval is kept by its own polling): Kubernetes must see a live service throughout, a
     * not-ready one, and once PostgreSQL is back, everything sent meanwhile is applied or dead-lettered.
     */
    @Test
    void aThreeMinuteOutageKeepsTheServiceLiveAndEverythingFlowsAfterIt() throws SQLException {
        String shop = "long-outage.myshopify.com";
        double retriesBefore = databaseRetries();
        PostgresTestResource.proxy().cut();
        await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/q/health/ready").statusCode() == 503);
        try (WebhookRecords kafka = new WebhookRecords(bootstrapServers)) {
            List<ProducerRecord<String, byte[]>> duringOutage = new ArrayList<>();
            for (long id = 1; id <= 20; id++) {
                duringOutage.add(record(delivery("customers/create", shop), customerJson(id, id + "@example.com", "2026-01-01T00:00:00Z")));
            }
            // a malformed event: the dead-letter recorder waits for PostgreSQL too
            duringOutage.add(record(delivery("customers/create", shop), "{\"id\": 99, \"email\": "));
            kafka.send(duringOutage.toArray(ProducerRecord[]::new));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> databaseRetries() >= retriesBefore + 3);

        await().during(Duration.ofMinutes(3)).atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(5))
                .until(() -> given().get("/q/health/live").statusCode() == 200 && given().get("/q/health/ready").statusCode() == 503);
        PostgresTestResource.proxy().restore();

        await().atMost(Duration.ofSeconds(60)).until(() -> applied(shop) == 20 && deadLettered(shop) == 1);
        assertThat(PostgresTestResource.count("SELECT count(*) FROM customers WHERE shop_domain = '" + shop + "'")).isEqualTo(20);
        await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/q/health/ready").statusCode() == 200);
        assertThat(given().get("/q/health/live").statusCode()).isEqualTo(200);
    }

    private static long customers() throws SQLException {
        return PostgresTestResource.count("SELECT count(*) FROM customers WHERE shop_domain = '" + SHOP + "'");
    }

    private static long applied(String shop) throws SQLException {
        return PostgresTestResource.count("SELECT count(*) FROM processed_webhooks WHERE shop_domain = '" + shop + "'");
    }

    private static long deadLettered(String shop) throws SQLException {
        return PostgresTestResource.count("SELECT count(*) FROM dead_letters WHERE shop_domain = '" + shop + "'");
    }

    private static double databaseRetries() {
        return Metrics.sum("sync_webhook_database_retries_total");
    }
}
