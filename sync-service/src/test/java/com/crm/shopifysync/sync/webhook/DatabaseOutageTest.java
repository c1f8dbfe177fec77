package com.crm.shopifysync.sync.webhook;

import static com.crm.shopifysync.sync.webhook.WebhookRecords.customerJson;
import static com.crm.shopifysync.sync.webhook.WebhookRecords.delivery;
import static com.crm.shopifysync.sync.webhook.WebhookRecords.record;
import static com.crm.shopifysync.sync.webhook.WebhookRecords.redelivery;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.model.WebhookDelivery;
import com.crm.shopifysync.testing.KafkaTestResource;
import com.crm.shopifysync.testing.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
        try (WebhookRecords kafka = new WebhookRecords(bootstrapServers)) {
            kafka.send(record(delivery("customers/create", SHOP), customerJson(1, "before@example.com", "2026-01-01T00:00:00Z")));
            await().atMost(Duration.ofSeconds(20)).until(() -> count("SELECT count(*) FROM customers") == 1);

            PostgresTestResource.proxy().cut();
            await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/q/health/ready").statusCode() == 503);
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
            assertThat(count("SELECT count(*) FROM customers")).isEqualTo(1);

            PostgresTestResource.proxy().restore();

            await().atMost(Duration.ofSeconds(60)).until(() -> count("SELECT count(*) FROM customers") == 51);
            assertThat(count("SELECT count(*) FROM processed_webhooks")).isEqualTo(51);
            assertThat(count("SELECT count(*) FROM customers WHERE email = shopify_id || '@example.com'")).isEqualTo(50);
            assertThat(metric("sync_webhook_events_total{outcome=\"dead_lettered\"")).isZero();
            // 51 distinct events and 5 redeliveries, all committed; the redeliveries changed nothing (51 rows above)
            assertThat(metric("sync_webhook_events_total{outcome=\"applied\",topic=\"customers/create\"")).isEqualTo(56);
            await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/q/health/ready").statusCode() == 200);
        }
    }

    private static double databaseRetries() {
        return metric("sync_webhook_database_retries_total");
    }

    /** The sum of every Prometheus series whose line starts with {@code prefix}. */
    private static double metric(String prefix) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith(prefix))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static long count(String sql) throws SQLException {
        try (Connection connection = PostgresTestResource.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
