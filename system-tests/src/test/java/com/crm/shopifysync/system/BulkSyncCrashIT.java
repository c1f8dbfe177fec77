package com.crm.shopifysync.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.model.Topics;
import com.crm.shopifysync.simulator.ShopifySimulator;
import com.crm.shopifysync.simulator.ShopifySimulator.ShopSpec;
import com.crm.shopifysync.simulator.SimulatedShop;
import com.crm.shopifysync.testing.KafkaBroker;
import com.crm.shopifysync.testing.StoreComparison;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged sync-service killed (SIGKILL) in the middle of an initial sync's download, then started again: the
 * new process takes the abandoned sync over once its lease expires, continues the file after the last committed
 * batch, and finishes with exactly Shopify's data, re-applying less than 5% of the rows.
 */
class BulkSyncCrashIT {

    static final String TOKEN = "system-test-token";
    static final String SHOP = "crash.myshopify.com";
    static final String DATABASE = "crash_test_" + Long.toString(System.currentTimeMillis(), 36);
    static final int CUSTOMERS = 20_000;
    static final int ORDERS = 40_000;

    static ShopifySimulator simulator;
    static SimulatedShop shop;
    static Map<String, String> environment;

    @BeforeAll
    static void startShopify() throws Exception {
        KafkaBroker broker = KafkaBroker.onPort(29092).ensureRunning();
        String prefix = DATABASE + ".";
        broker.createTopics(List.of(prefix + Topics.WEBHOOKS, prefix + Topics.WEBHOOKS_DLQ, prefix + Topics.WEBHOOKS_RETRY_ENTRY,
                prefix + Topics.webhooksRetry(10_000), prefix + Topics.webhooksRetry(60_000), prefix + Topics.webhooksRetry(300_000)), 6);
        admin("CREATE DATABASE " + DATABASE);
        simulator = new ShopifySimulator(ShopifySimulator.Options.defaults()).start();
        shop = simulator.addShop(new ShopSpec(SHOP, "crash-token", ShopSpec.ALL_SCOPES, CUSTOMERS, ORDERS, 99));
        environment = new HashMap<>();
        environment.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        environment.put("TOPICS_PREFIX", prefix);
        environment.put("DB_NAME", DATABASE);
        environment.put("SYNC_API_TOKENS", TOKEN);
        environment.put("SHOPIFY_SHOPS_0__DOMAIN", SHOP);
        environment.put("SHOPIFY_SHOPS_0__ADMIN_URL", simulator.adminUrl());
        environment.put("SHOPIFY_SHOPS_0__ACCESS_TOKEN", "crash-token");
        environment.put("SYNC_BULK_LEASE", "3s");
        environment.put("SYNC_BULK_TAKEOVER_CHECK", "1s");
        environment.put("SYNC_BULK_INITIAL_SYNC_CHECK", "1s");
        environment.put("SYNC_BULK_POLL_INITIAL", "100ms");
        environment.put("SYNC_BULK_POLL_MAXIMUM", "500ms");
    }

    @AfterAll
    static void stopShopify() throws Exception {
        if (simulator != null) {
            simulator.close();
        }
        admin("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
    }

    @Test
    void killedMidDownloadTheSyncResumesFromItsCheckpointWithExactData() throws Exception {
        ServiceProcess first = ServiceProcess.start("sync-service", 18280, environment);
        // Kill it once part of the orders file is committed and the rest is not.
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(20))
                .until(() -> single("SELECT coalesce(max(lines_applied), 0) FROM sync_operations WHERE resource = 'orders' AND NOT completed") > 0);
        first.kill();
        long committedBeforeKill = single("SELECT coalesce(sum(rows_applied), 0) FROM sync_operations");
        assertThat(committedBeforeKill).isPositive().isLessThan(CUSTOMERS + ORDERS);
        assertThat(single("SELECT count(*) FROM sync_runs WHERE state = 'running'")).isEqualTo(1);

        ServiceProcess second = ServiceProcess.start("sync-service", 18281, environment);
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                    .until(() -> single("SELECT count(*) FROM sync_runs WHERE state <> 'running'") == 1);
            assertThat(single("SELECT count(*) FROM sync_runs WHERE state = 'succeeded'")).isEqualTo(1);
            assertThat(single("SELECT count(*) FROM sync_runs")).as("the same sync resumed, not a new one").isEqualTo(1);
            try (Connection connection = connect()) {
                assertThat(StoreComparison.differences(connection, shop, 10)).isEmpty();
            }
            double appliedAfterRestart = metric(second, "sync_bulk_rows_applied_total");
            double reapplied = appliedAfterRestart - (CUSTOMERS + ORDERS - committedBeforeKill);
            System.out.printf("killed with %d of %d rows committed; the second process applied %.0f rows, %.0f of them again (%.2f%%)%n",
                    committedBeforeKill, CUSTOMERS + ORDERS, appliedAfterRestart, reapplied, 100 * reapplied / (CUSTOMERS + ORDERS));
            assertThat(reapplied).isGreaterThanOrEqualTo(0).isLessThan(0.05 * (CUSTOMERS + ORDERS));
        } finally {
            second.close();
        }
    }

    private static double metric(ServiceProcess service, String prefix) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(service.uri("/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body().lines().filter(line -> line.startsWith(prefix))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static long single(String sql) throws Exception {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    private static Connection connect() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + DATABASE, "postgres", "");
    }

    private static void admin(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
