package com.crm.shopifysync.bench;

import com.crm.shopifysync.model.Topics;
import com.crm.shopifysync.testing.KafkaBroker;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** A benchmark run's own database and topics on this machine's PostgreSQL and the shared broker. */
final class BenchEnvironment {

    private BenchEnvironment() {
    }

    /** Every topic the sync-service reads or writes, under {@code prefix}, on the shared broker. */
    static KafkaBroker topics(String prefix) {
        KafkaBroker broker = KafkaBroker.shared();
        broker.createTopics(List.of(prefix + Topics.WEBHOOKS, prefix + Topics.WEBHOOKS_DLQ, prefix + Topics.WEBHOOKS_RETRY_ENTRY,
                prefix + Topics.webhooksRetry(10_000), prefix + Topics.webhooksRetry(60_000), prefix + Topics.webhooksRetry(300_000)), 6);
        return broker;
    }

    static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + database, "postgres", "");
    }

    static void admin(String sql) throws SQLException {
        try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
