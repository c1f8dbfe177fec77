package com.crm.shopifysync.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.model.Topics;
import com.crm.shopifysync.testing.Fixtures;
import com.crm.shopifysync.testing.KafkaBroker;
import com.crm.shopifysync.testing.PrometheusText;
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
    static Map<String, String> syncServiceEnvironment;
    static ServiceProcess syncService;
    static ServiceProcess gateway;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void startTheSystem() throws Exception {
        broker = KafkaBroker.onPort(29092).ensureRunning();
        String prefix = DATABASE + ".";
        broker.createTopics(List.of(prefix + Topics.WEBHOOKS, prefix + Topics.WEBHOOKS_DLQ, prefix + Topics.WEBHOOKS_RETRY_ENTRY,
                prefix + Topics.webhooksRetry(2_000), prefix + Topics.webhooksRetry(4_000), prefix + Topics.webhooksRetry(8_000)), 6);
        BulkSyncSystem.admin("CREATE DATABASE " + DATABASE);
        Map<String, String> common = Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(), "TOPICS_PREFIX", prefix);
        syncServiceEnvironment = with(common, Map.of("SYNC_API_TOKENS", TOKEN, "DB_NAME", DATABASE,
                // short retry delays and lock timeout, so that a retry cycle fits in a test
                "RETRIES_TOPICS", String.join(",", prefix + Topics.webhooksRetry(2_000), prefix + Topics.webhooksRetry(4_000),
                        prefix + Topics.webhooksRetry(8_000)),
                "RETRIES_TIMEOUT_MS", "60000", "SYNC_WEBHOOKS_LOCK_TIMEOUT", "300ms"));
        syncService = ServiceProcess.start("sync-service", 18180, syncServiceEnvironment);
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
        BulkSyncSystem.admin("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
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

    @Test
    void theSyncServiceRestartedInTheMiddleOfARetryCycleStillAppliesTheEvent() throws Exception {
        String shop = "restart.myshopify.com";
        byte[] created = "{\"id\":500,\"admin_graphql_api_id\":\"gid://shopify/Customer/500\",\"email\":\"v1@example.com\",\"updated_at\":\"2026-01-01T00:00:00Z\"}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] updated = "{\"id\":500,\"admin_graphql_api_id\":\"gid://shopify/Customer/500\",\"email\":\"v2@example.com\",\"updated_at\":\"2026-01-02T00:00:00Z\"}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(post(SignedWebhook.of("customers/create", shop, created, SECRET)).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/api/shops/" + shop + "/customers/500").statusCode() == 200);

        try (Connection editor = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + DATABASE, "postgres", "")) {
            editor.setAutoCommit(false);
            try (Statement lock = editor.createStatement()) {
                lock.execute("SELECT * FROM customers WHERE shop_domain = '" + shop + "' AND shopify_id = 500 FOR UPDATE");
            }
            assertThat(post(SignedWebhook.of("customers/update", shop, updated, SECRET)).statusCode()).isEqualTo(200);
            // the event failed once and waits in a retry topic
            await().atMost(Duration.ofSeconds(30)).until(() -> metrics().contains("outcome=\"retried\",topic=\"customers/update\"} 1.0"));

            syncService.close();
            editor.rollback();
        }
        syncService = ServiceProcess.start("sync-service", 18180, syncServiceEnvironment);

        await().atMost(Duration.ofSeconds(60)).until(() -> get("/api/shops/" + shop + "/customers/500").body().contains("v2@example.com"));
        assertThat(get("/api/shops/" + shop + "/dead-letters/count").body()).isEqualTo("{\"count\":0}");
    }

    @Test
    void bothServicesExposeTheirMetricsWithRealValuesAfterAWorkload() throws Exception {
        String shop = "metrics.myshopify.com";
        byte[] customer = "{\"id\":900,\"admin_graphql_api_id\":\"gid://shopify/Customer/900\",\"email\":\"m@example.com\",\"updated_at\":\"2026-01-01T00:00:00Z\"}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(post(SignedWebhook.of("customers/create", shop, customer, SECRET)).statusCode()).isEqualTo(200);
        assertThat(post(SignedWebhook.of("customers/create", shop, customer, SECRET).withHmac("d3Jvbmc=")).statusCode()).isEqualTo(401);
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/api/shops/" + shop + "/customers/900").statusCode() == 200);

        String gatewayMetrics = HTTP.send(HttpRequest.newBuilder(gateway.uri("/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(PrometheusText.sum(gatewayMetrics, "gateway_webhooks_total{", "outcome=\"accepted\"")).isPositive();
        assertThat(PrometheusText.sum(gatewayMetrics, "gateway_webhooks_total{", "outcome=\"rejected\"")).isPositive();
        assertThat(PrometheusText.sum(gatewayMetrics, "gateway_publish_seconds_count", "")).isPositive();
        assertThat(gatewayMetrics).doesNotContain(SECRET);

        String syncMetrics = metrics();
        assertThat(PrometheusText.sum(syncMetrics, "sync_webhook_events_total{", "outcome=\"applied\"")).isPositive();
        assertThat(PrometheusText.sum(syncMetrics, "sync_webhook_batch_size_count", "")).isPositive();
        // present before any sync or status client (at zero), so alerts have a series; dead letters are counted per
        // topic once there is one (DeadLetterTest)
        assertThat(syncMetrics).contains("sync_active_syncs ", "sync_status_websocket_clients ", "sync_shopify_throttle_wait_seconds_count",
                "sync_status_push_latency_seconds_count");
        // consumer lag, per partition of the webhooks topic, from the Kafka client's own metrics
        assertThat(syncMetrics).containsPattern("kafka_consumer_fetch_manager_records_lag(_max)?\\{");
    }

    private static String metrics() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(syncService.uri("/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
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
}
