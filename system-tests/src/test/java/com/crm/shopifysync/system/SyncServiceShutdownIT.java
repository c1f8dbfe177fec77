package com.crm.shopifysync.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.model.Topics;
import com.crm.shopifysync.simulator.ShopifySimulator;
import com.crm.shopifysync.simulator.ShopifySimulator.ShopSpec;
import com.crm.shopifysync.simulator.SimulatedShop;
import com.crm.shopifysync.testing.KafkaBroker;
import com.crm.shopifysync.testing.StoreComparison;
import java.nio.file.Path;
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
 * Two packaged sync-services share a shop's initial sync: SIGTERM to the one running it, in the middle of the
 * orders file, hands the sync to the other at once (the lease is released, not left to expire), and the other
 * finishes it from the checkpoint with exactly Shopify's data.
 */
class SyncServiceShutdownIT {

    static final String SHOP = "shutdown.myshopify.com";
    static final String DATABASE = "shutdown_test_" + Long.toString(System.currentTimeMillis(), 36);
    static final int CUSTOMERS = 15_000;
    static final int ORDERS = 30_000;
    static final Duration LEASE = Duration.ofSeconds(30);

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
        // Each export starts 15 s after it is asked for: time for the second instance to be up before the files flow.
        simulator = new ShopifySimulator(new ShopifySimulator.Options(0, (Path) null, null, null, "2026-07", 15_000, 1000)).start();
        shop = simulator.addShop(new ShopSpec(SHOP, "shutdown-token", ShopSpec.ALL_SCOPES, CUSTOMERS, ORDERS, 7));
        environment = new HashMap<>();
        environment.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        environment.put("TOPICS_PREFIX", prefix);
        environment.put("DB_NAME", DATABASE);
        environment.put("SYNC_API_TOKENS", "system-test-token");
        environment.put("SHOPIFY_SHOPS_0__DOMAIN", SHOP);
        environment.put("SHOPIFY_SHOPS_0__ADMIN_URL", simulator.adminUrl());
        environment.put("SHOPIFY_SHOPS_0__ACCESS_TOKEN", "shutdown-token");
        environment.put("SYNC_BULK_LEASE", LEASE.toSeconds() + "s");
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
    void sigtermHandsTheRunningSyncToTheOtherReplicaWhichFinishesItExactly() throws Exception {
        ServiceProcess a = ServiceProcess.start("sync-service", 18380, with("HOSTNAME", "replica-a"));
        ServiceProcess b = ServiceProcess.start("sync-service", 18381, with("HOSTNAME", "replica-b"));
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(20))
                    .until(() -> single("SELECT coalesce(max(lines_applied), 0) FROM sync_operations WHERE resource = 'orders' AND NOT completed") > 0);
            String owner = text("SELECT lease_owner FROM sync_runs WHERE state = 'running'");
            ServiceProcess running = owner.startsWith("replica-a/") ? a : b;
            String other = owner.startsWith("replica-a/") ? "replica-b/" : "replica-a/";

            long stopped = System.nanoTime();
            running.close(); // SIGTERM, and wait for the process to end
            // The other replica has it well before the lease could have expired: it was released on shutdown.
            await().atMost(LEASE.minusSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> String.valueOf(text("SELECT coalesce(lease_owner, '') FROM sync_runs")).startsWith(other)
                            || single("SELECT count(*) FROM sync_runs WHERE state = 'succeeded'") == 1);
            System.out.printf("the other replica had the sync within %.1f s of SIGTERM (the stopped process's whole shutdown included)%n", (System.nanoTime() - stopped) / 1e9);

            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                    .until(() -> single("SELECT count(*) FROM sync_runs WHERE state <> 'running'") == 1);
            assertThat(single("SELECT count(*) FROM sync_runs WHERE state = 'succeeded'")).isEqualTo(1);
            try (Connection connection = connect()) {
                assertThat(StoreComparison.differences(connection, shop, 10)).isEmpty();
            }
        } finally {
            a.close();
            b.close();
        }
    }

    private static Map<String, String> with(String name, String value) {
        Map<String, String> copy = new HashMap<>(environment);
        copy.put(name, value);
        return copy;
    }

    private static long single(String sql) throws Exception {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    private static String text(String sql) throws Exception {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            return result.next() ? result.getString(1) : null;
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
