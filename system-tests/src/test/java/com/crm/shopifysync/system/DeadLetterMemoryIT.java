package com.crm.shopifysync.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.model.Topics;
import com.crm.shopifysync.testing.KafkaBroker;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dead letters can be as large as the webhooks Shopify sends (the gateway takes 5 MiB): a shop with 600 dead letters of
 * 1 MiB each (600 MiB) is listed and replayed whole by a sync-service with a 256 MiB heap, less than half of what its
 * Kubernetes limit gives it. The replayed events fail again (their topic is not one the CRM handles) and come back as
 * dead letters: the whole round trip stays inside the heap.
 */
class DeadLetterMemoryIT {

    static final String SHOP = "heavy-letters.myshopify.com";
    static final String TOKEN = "system-test-token";
    static final int LETTERS = 600;
    static final int PAYLOAD_BYTES = 1 << 20;

    static String database;
    static Map<String, String> environment;

    @BeforeAll
    static void prepare() throws Exception {
        database = "replay_memory_" + Long.toString(System.currentTimeMillis(), 36);
        String prefix = database + ".";
        KafkaBroker broker = KafkaBroker.onPort(29092).ensureRunning();
        broker.createTopics(List.of(prefix + Topics.WEBHOOKS, prefix + Topics.WEBHOOKS_DLQ, prefix + Topics.WEBHOOKS_RETRY_ENTRY,
                prefix + Topics.webhooksRetry(2_000), prefix + Topics.webhooksRetry(4_000), prefix + Topics.webhooksRetry(8_000)), 6);
        BulkSyncSystem.admin("CREATE DATABASE " + database);
        environment = Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(), "TOPICS_PREFIX", prefix, "SYNC_API_TOKENS", TOKEN,
                "DB_NAME", database, "JAVA_MAX_HEAP", "256m",
                "RETRIES_TOPICS", String.join(",", prefix + Topics.webhooksRetry(2_000), prefix + Topics.webhooksRetry(4_000),
                        prefix + Topics.webhooksRetry(8_000)), "RETRIES_TIMEOUT_MS", "60000");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        BulkSyncSystem.admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }

    @Test
    void sixHundredOneMegabyteDeadLettersAreListedAndReplayedInA256MegabyteHeap() throws Exception {
        try (ServiceProcess service = ServiceProcess.start("sync-service", 18780, environment)) {
            listAndReplay(service);
        }
    }

    private void listAndReplay(ServiceProcess service) throws Exception {
        try (var connection = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + database, "postgres", "");
             var statement = connection.createStatement()) {
            statement.execute("INSERT INTO dead_letters (shop_domain, topic, deduplication_key, event_id, webhook_id, record_key, payload, "
                    + "delivery_headers, reason, attempts, dead_letter_position, first_failed_at, last_failed_at) "
                    + "SELECT '" + SHOP + "', 'customers/not_handled', 'event:e' || n, 'e' || n, 'w' || n, '" + SHOP + "/customers/' || n, "
                    + "convert_to('{\"id\": ' || n || ', \"note\": \"' || repeat('x', " + PAYLOAD_BYTES + " - 20 - length(n::text)) || '\"}', 'UTF8'), "
                    + "jsonb_build_object('shopify-topic', 'customers/not_handled', 'shopify-shop-domain', '" + SHOP + "', "
                    + "'shopify-webhook-id', 'w' || n, 'shopify-event-id', 'e' || n, 'received-at', '2026-11-30T00:00:00Z'), "
                    + "'unsupported topic customers/not_handled', 1, 'seeded@' || n, now(), now() FROM generate_series(1, " + LETTERS + ") n");
        }

        HttpResponse<String> page = call(service, "GET", "/api/shops/" + SHOP + "/dead-letters?size=250");
        assertThat(page.statusCode()).isEqualTo(200);
        // asserted on the parsed page: a failure message must not print megabytes
        com.fasterxml.jackson.databind.JsonNode listed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(page.body());
        assertThat(listed.path("total").asLong()).isEqualTo(LETTERS);
        assertThat(listed.path("items").size()).isEqualTo(250);
        listed.path("items").forEach(item -> {
            assertThat(item.path("payloadTruncated").asBoolean()).isTrue();
            assertThat(item.path("payloadBytes").asLong()).isEqualTo(PAYLOAD_BYTES);
        });
        assertThat(page.body().length()).as("a page carries the heads of the payloads, not the payloads").isLessThan(250 * 70_000);

        HttpResponse<String> replay = call(service, "POST", "/api/shops/" + SHOP + "/dead-letters/replay");
        assertThat(replay.statusCode()).isEqualTo(202);
        assertThat(replay.body()).isEqualTo("{\"replayed\":" + LETTERS + "}");
        // Replayed, they fail again, and every one is recorded again: the service held up through all of it.
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2)).until(() -> count(service) == LETTERS);
        assertThat(service.isReady()).isTrue();
        HttpResponse<byte[]> payload = HttpClient.newHttpClient().send(HttpRequest.newBuilder(service.uri("/api/shops/" + SHOP
                        + "/dead-letters/" + firstId(page.body()) + "/payload")).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(payload.statusCode()).isEqualTo(200);
        assertThat(payload.body().length).isEqualTo(PAYLOAD_BYTES);
    }

    /** Dead letters back in state dead after their replay: recorded a second time. */
    private static long count(ServiceProcess service) throws Exception {
        try (var connection = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + database, "postgres", "");
             var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT count(*) FROM dead_letters WHERE state = 'dead' AND attempts = 2")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static String firstId(String page) {
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"id\":\"(\\d+)\"").matcher(page);
        assertThat(id.find()).isTrue();
        return id.group(1);
    }

    private static HttpResponse<String> call(ServiceProcess service, String method, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(service.uri(path)).header("Authorization", "Bearer " + TOKEN)
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofMinutes(3)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
