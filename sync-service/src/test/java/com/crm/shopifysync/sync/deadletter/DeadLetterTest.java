package com.crm.shopifysync.sync.deadletter;

import static com.crm.shopifysync.sync.webhook.WebhookRecords.customerJson;
import static com.crm.shopifysync.sync.webhook.WebhookRecords.delivery;
import static com.crm.shopifysync.sync.webhook.WebhookRecords.record;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.model.WebhookDelivery;
import com.crm.shopifysync.sync.webhook.WebhookRecords;
import com.crm.shopifysync.sync.Metrics;
import com.crm.shopifysync.testing.KafkaTestResource;
import com.crm.shopifysync.testing.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Dead letters as people meet them: listed and counted through the API, replayed once the cause is fixed. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class DeadLetterTest {

    static final String TOKEN = "test-api-token";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    WebhookRecords kafka;
    String shop;

    @BeforeEach
    void setUp() {
        kafka = new WebhookRecords(bootstrapServers);
        shop = "dl-" + UUID.randomUUID().toString().substring(0, 8) + ".myshopify.com";
    }

    @AfterEach
    void tearDown() {
        kafka.close();
    }

    String base() {
        return "/api/shops/" + shop + "/dead-letters";
    }

    JsonPath get(String path) {
        return given().auth().oauth2(TOKEN).get(path).then().statusCode(200).extract().jsonPath();
    }

    long deadCount() {
        return get(base() + "/count").getLong("count");
    }

    @Test
    void aMalformedEventIsListedWithItsReasonAndCounted() {
        WebhookDelivery malformed = delivery("customers/update", shop);
        kafka.send(record(malformed, "{\"id\": 5, \"email\": "));

        await().atMost(Duration.ofSeconds(20)).until(() -> deadCount() == 1);
        JsonPath list = get(base());
        assertThat(list.getInt("total")).isEqualTo(1);
        assertThat(list.getString("items[0].topic")).isEqualTo("customers/update");
        assertThat(list.getString("items[0].webhookId")).isEqualTo(malformed.webhookId());
        assertThat(list.getString("items[0].eventId")).isEqualTo(malformed.eventId().orElseThrow());
        assertThat(list.getString("items[0].reason")).startsWith("malformed JSON");
        assertThat(list.getInt("items[0].attempts")).isEqualTo(1);
        assertThat(list.getString("items[0].state")).isEqualTo("dead");
        assertThat(list.getString("items[0].payload")).isEqualTo("{\"id\": 5, \"email\": ");
        assertThat(list.getString("items[0].firstFailedAt")).isNotNull();
        assertThat(get("/api/shops/" + shop + "/sync").getLong("deadLetterCount")).isEqualTo(1);
    }

    @Test
    void fixTheCauseReplayAndItIsAppliedOnceHoweverOftenItIsReplayed() throws SQLException {
        // a rule of the CRM's database that this event breaks: it fails inside PostgreSQL, not in decoding
        PostgresTestResource.execute("ALTER TABLE customers ADD CONSTRAINT no_blocked_domain CHECK (email IS NULL OR email NOT LIKE '%@blocked.example')");
        WebhookDelivery blocked = delivery("customers/create", shop);
        kafka.send(record(blocked, customerJson(300, "ann@blocked.example", "2026-01-01T00:00:00Z")),
                record(delivery("customers/create", shop), customerJson(301, "ok@example.com", "2026-01-01T00:00:00Z")));
        await().atMost(Duration.ofSeconds(20)).until(() -> deadCount() == 1);
        assertThat(get(base()).getString("items[0].reason")).contains("no_blocked_domain");
        assertThat(customerStatus(301)).isEqualTo(200);
        assertThat(customerStatus(300)).isEqualTo(404);

        PostgresTestResource.execute("ALTER TABLE customers DROP CONSTRAINT no_blocked_domain");
        String id = get(base()).getString("items[0].id");
        given().auth().oauth2(TOKEN).post(base() + "/" + id + "/replay").then().statusCode(202);

        await().atMost(Duration.ofSeconds(20)).until(() -> customerStatus(300) == 200);
        assertThat(deadCount()).isZero();
        assertThat(get(base() + "?state=replayed").getList("items.id")).containsExactly(id);

        given().auth().oauth2(TOKEN).post(base() + "/" + id + "/replay").then().statusCode(202);
        // a replay keeps the event's key, so it is consumed before this later update of the same customer
        kafka.send(record(delivery("customers/update", shop), customerJson(300, "later@example.com", "2026-01-02T00:00:00Z")));
        await().atMost(Duration.ofSeconds(20)).until(() ->
                "later@example.com".equals(get("/api/shops/" + shop + "/customers/300").getString("email")));

        assertThat(PostgresTestResource.count("SELECT count(*) FROM processed_webhooks WHERE shop_domain = '" + shop + "' AND deduplication_key = '"
                + blocked.deduplicationKey() + "'")).as("the replayed event was applied once").isEqualTo(1);
        assertThat(Metrics.sum("sync_dead_letters_replayed_total")).isGreaterThanOrEqualTo(2);
        assertThat(deadCount()).isZero();
    }

    @Test
    void discardAndReplayAllAndAnEventThatFailsAgainComesBack() {
        WebhookDelivery first = delivery("customers/update", shop);
        WebhookDelivery second = delivery("orders/updated", shop);
        kafka.send(record(first, "not json at all"), record(second, "{\"no\": \"id\"}"));
        await().atMost(Duration.ofSeconds(20)).until(() -> deadCount() == 2);
        String secondId = get(base()).getList("items", java.util.Map.class).stream()
                .filter(item -> second.webhookId().equals(item.get("webhookId"))).map(item -> (String) item.get("id"))
                .findFirst().orElseThrow();

        given().auth().oauth2(TOKEN).post(base() + "/" + secondId + "/discard").then().statusCode(200);
        assertThat(deadCount()).isEqualTo(1);
        assertThat(get(base() + "?state=discarded").getList("items.id")).containsExactly(secondId);

        given().auth().oauth2(TOKEN).post(base() + "/replay").then().statusCode(202);

        // still malformed: replayed, it fails again and is the same dead letter, with its attempts added up
        await().atMost(Duration.ofSeconds(20)).until(() -> deadCount() == 1 && get(base()).getInt("items[0].attempts") == 2);
        assertThat(get(base()).getString("items[0].webhookId")).isEqualTo(first.webhookId());
        assertThat(get(base() + "?state=all").getInt("total")).isEqualTo(2);
    }

    @Test
    void anEventFailingEveryAttemptIsRetriedThenDeadLetteredAndTheOthersFlowOn() throws Exception {
        kafka.send(record(delivery("customers/create", shop), customerJson(400, "v1@example.com", "2026-01-01T00:00:00Z")));
        await().atMost(Duration.ofSeconds(20)).until(() -> customerStatus(400) == 200);
        double retriedBefore = Metrics.sum("sync_webhook_events_total{outcome=\"retried\"");

        // a CRM user's transaction holds the row for longer than every attempt (lock timeout 300 ms in tests)
        try (Connection editor = PostgresTestResource.connect()) {
            editor.setAutoCommit(false);
            try (Statement statement = editor.createStatement()) {
                statement.execute("SELECT * FROM customers WHERE shop_domain = '" + shop + "' AND shopify_id = 400 FOR UPDATE");
            }
            WebhookDelivery stuck = delivery("customers/update", shop);
            // a 2 MB body: above Kafka's 1 MB default, so the retry and dead-letter producers need their larger limit
            String large = customerJson(400, "v2@example.com", "2026-01-02T00:00:00Z")
                    .replace("\"currency\": \"USD\"", "\"currency\": \"USD\", \"note\": \"" + "n".repeat(2_000_000) + "\"");
            kafka.send(record(stuck, large),
                    record(delivery("customers/create", shop), customerJson(401, "other@example.com", "2026-01-01T00:00:00Z")));

            assertThat(await().atMost(Duration.ofSeconds(20)).until(() -> customerStatus(401), status -> status == 200)).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> deadCount() == 1);
            JsonPath dead = get(base());
            assertThat(dead.getString("items[0].webhookId")).isEqualTo(stuck.webhookId());
            assertThat(dead.getInt("items[0].attempts")).as("1 attempt and 3 retries").isEqualTo(4);
            assertThat(dead.getString("items[0].reason")).contains("lock");
            // a list carries the head of each payload; the whole one, as sent, is the dead letter's own resource
            assertThat(dead.getBoolean("items[0].payloadTruncated")).isTrue();
            assertThat(dead.getLong("items[0].payloadBytes")).isEqualTo(large.length());
            assertThat(large).startsWith(dead.getString("items[0].payload"));
            assertThat(given().auth().oauth2(TOKEN).get(base() + "/" + dead.getString("items[0].id") + "/payload").then().statusCode(200)
                    .extract().asString()).isEqualTo(large);
            assertThat(Metrics.sum("sync_webhook_events_total{outcome=\"retried\"") - retriedBefore).isEqualTo(4);
            assertThat(Metrics.sum("sync_dead_letters_recorded_total{topic=\"customers/update\"")).isGreaterThanOrEqualTo(1);
            editor.rollback();
        }

        given().auth().oauth2(TOKEN).post(base() + "/replay").then().statusCode(202).body("replayed", org.hamcrest.Matchers.equalTo(1));
        await().atMost(Duration.ofSeconds(20)).until(() ->
                "v2@example.com".equals(get("/api/shops/" + shop + "/customers/400").getString("email")));
        assertThat(deadCount()).isZero();
    }

    @Test
    void unknownDeadLettersAndBadRequestsAreAnswered() {
        given().auth().oauth2(TOKEN).post(base() + "/999999/replay").then().statusCode(404);
        given().auth().oauth2(TOKEN).post(base() + "/999999/discard").then().statusCode(404);
        given().auth().oauth2(TOKEN).get(base() + "?state=lost").then().statusCode(400);
        given().get(base() + "/count").then().statusCode(401);
    }

    int customerStatus(long id) {
        return given().auth().oauth2(TOKEN).get("/api/shops/" + shop + "/customers/" + id).statusCode();
    }

}
