package com.crm.shopifysync.system;

import com.crm.shopifysync.model.Topics;
import com.crm.shopifysync.simulator.ShopifySimulator;
import com.crm.shopifysync.simulator.ShopifySimulator.ShopSpec;
import com.crm.shopifysync.simulator.SimulatedShop;
import com.crm.shopifysync.testing.KafkaBroker;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a packaged sync-service needs to sync one simulated shop: the shop in an in-process simulator, a database
 * and topics of its own on the system tests' broker (29092), and the environment pointing the service at them.
 */
final class BulkSyncSystem implements AutoCloseable {

    final String database;
    final ShopifySimulator simulator;
    final SimulatedShop shop;
    private final Map<String, String> environment = new HashMap<>();

    /** @param lease the sync lease; takeover checks run every second, polls start at 100 ms */
    BulkSyncSystem(String name, ShopifySimulator.Options options, ShopSpec spec, Duration lease) throws Exception {
        database = name + "_" + Long.toString(System.currentTimeMillis(), 36);
        KafkaBroker broker = KafkaBroker.onPort(29092).ensureRunning();
        String prefix = database + ".";
        broker.createTopics(List.of(prefix + Topics.WEBHOOKS, prefix + Topics.WEBHOOKS_DLQ, prefix + Topics.WEBHOOKS_RETRY_ENTRY,
                prefix + Topics.webhooksRetry(10_000), prefix + Topics.webhooksRetry(60_000), prefix + Topics.webhooksRetry(300_000)), 6);
        admin("CREATE DATABASE " + database);
        simulator = new ShopifySimulator(options).start();
        shop = simulator.addShop(spec);
        environment.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        environment.put("TOPICS_PREFIX", prefix);
        environment.put("DB_NAME", database);
        environment.put("SYNC_API_TOKENS", "system-test-token");
        environment.put("SHOPIFY_SHOPS_0__DOMAIN", spec.domain());
        environment.put("SHOPIFY_SHOPS_0__ADMIN_URL", simulator.adminUrl());
        environment.put("SHOPIFY_SHOPS_0__ACCESS_TOKEN", spec.accessToken());
        environment.put("SYNC_BULK_LEASE", lease.toSeconds() + "s");
        environment.put("SYNC_BULK_TAKEOVER_CHECK", "1s");
        environment.put("SYNC_BULK_INITIAL_SYNC_CHECK", "1s");
        environment.put("SYNC_BULK_POLL_INITIAL", "100ms");
        environment.put("SYNC_BULK_POLL_MAXIMUM", "500ms");
    }

    /** The service's environment, with {@code extra} on top. */
    Map<String, String> environment(Map<String, String> extra) {
        Map<String, String> copy = new HashMap<>(environment);
        copy.putAll(extra);
        return copy;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + database, "postgres", "");
    }

    long single(String sql) throws SQLException {
        String value = text(sql);
        return value == null ? 0 : Long.parseLong(value);
    }

    String text(String sql) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            return result.next() ? result.getString(1) : null;
        }
    }

    @Override
    public void close() throws Exception {
        simulator.close();
        admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }

    static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + database, "postgres", "");
    }

    static long single(String database, String sql) throws SQLException {
        try (Connection connection = connect(database); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            return result.next() ? result.getLong(1) : 0;
        }
    }

    static void execute(String database, String sql) throws SQLException {
        try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    static void admin(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
