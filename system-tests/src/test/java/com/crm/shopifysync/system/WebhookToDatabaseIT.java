package com.crm.shopifysync.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.model.Topics;
import com.crm.shopifysync.testing.Fixtures;
import com.crm.shopifysync.testing.KafkaBroker;
import com.crm.shopifysync.testing.SignedWebhook;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Shopify's view and the CRM's view of the whole real-time path: signed webhooks into the packaged gateway,
 * through a real broker, applied by the packaged sync-service, read back through its API. The broker here
 * (port 29092) is this test's own, so it can be stopped and restarted.
 */
class WebhookToDatabaseIT {

    static final String SECRET = "system-test-secret";
    static final String TOKEN = "system-test-token";
    static final String SHOP = "system.myshopify.com";
    static final String DATABASE = "system_test_" + Long.toString(System.currentTimeMillis(), 36);

    static KafkaBroker broker;
    static ServiceProcess syncService;
    static ServiceProcess gateway;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void startTheSystem() throws Exception {
        broker = KafkaBroker.onPort(29092).ensureRunning();
        String prefix = DATABASE + ".";
        broker.createTopics(List.of(prefix + Topics.WEBHOOKS, prefix + Topics.WEBHOOKS_DLQ, prefix + Topics.WEBHOOKS_RETRY_ENTRY,
                prefix + Topics.webhooksRetry(10_000), prefix + Topics.webhooksRetry(60_000), prefix + Topics.webhooksRetry(300_000)), 6);
        admin("CREATE DATABASE " + DATABASE);
        Map<String, String> common = Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(), "TOPICS_PREFIX", prefix);
        syncService = ServiceProcess.start("sync-service", 18180, with(common, Map.of("SYNC_API_TOKENS", TOKEN, "DB_NAME", DATABASE)));
        gateway = ServiceProcess.start("webhook-gateway", 18181, with(common, Map.of("SHOPIFY_WEBHOOKS_SECRETS", SECRET)));
    }

    @AfterAll
    static void stopTheSystem() throws Exception {
        broker.ensureRunning();
        if (gateway != null) {
            gateway.close();
        }
        if (syncService != null) {
            syncService.close();
        }
        admin("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
    }

    @Test
    void aSignedWebhookReachesTheCrmsDatabase() throws Exception {
        assertThat(post(SignedWebhook.of("customers/create", SHOP, Fixtures.webhook("customers/create"), SECRET)).statusCode())
                .isEqualTo(200);

        await().atMost(Duration.ofSeconds(30)).until(() -> get("/api/shops/" + SHOP + "/customers/706405506930370084").statusCode() == 200);
        assertThat(get("/api/shops/" + SHOP + "/customers/706405506930370084").body()).contains("\"email\":\"bob@biller.com\"");
    }

    @Test
    void kafkaStoppedGives503AndShopifysRetryIsAppliedOnceKafkaIsBack() throws Exception {
        SignedWebhook webhook = SignedWebhook.of("orders/create", SHOP, Fixtures.webhook("orders/create"), SECRET);
        broker.stop();

        HttpResponse<String> refused = post(webhook);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).contains("10");

        broker.ensureRunning();
        // Shopify retries the same delivery until it is answered 2xx
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> post(webhook).statusCode() == 200);

        await().atMost(Duration.ofSeconds(60)).until(() -> get("/api/shops/" + SHOP + "/orders/820982911946154508").statusCode() == 200);
        assertThat(get("/api/shops/" + SHOP + "/orders/820982911946154508").body()).contains("\"name\":\"#9999\"");
        assertThat(get("/api/shops/" + SHOP + "/orders").body()).contains("\"total\":1");
    }

    private static HttpResponse<String> post(SignedWebhook webhook) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri("/webhooks/shopify"))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(webhook.body()));
        webhook.headers().forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(syncService.uri(path)).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> with(Map<String, String> first, Map<String, String> second) {
        java.util.HashMap<String, String> merged = new java.util.HashMap<>(first);
        merged.putAll(second);
        return merged;
    }

    private static void admin(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
