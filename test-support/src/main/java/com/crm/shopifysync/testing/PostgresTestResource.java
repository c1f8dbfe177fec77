package com.crm.shopifysync.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * Gives a Quarkus test its own, empty database on the machine's real PostgreSQL (127.0.0.1:5432, user
 * postgres, by default; {@code PGHOST}, {@code PGPORT}, {@code PGUSER}, {@code PGPASSWORD} override), dropped when the
 * application stops. Test code reaches the database directly ({@link #connect()}), never through the proxy.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    private static final String HOST = System.getenv().getOrDefault("PGHOST", "127.0.0.1");
    private static final String PORT = System.getenv().getOrDefault("PGPORT", "5432");
    private static final String USER = System.getenv().getOrDefault("PGUSER", "postgres");
    private static final String PASSWORD = System.getenv().getOrDefault("PGPASSWORD", "");

    /** Init argument: reach the database through a {@link TcpProxy} the test can cut ({@link #proxy()}). */
    public static final String THROUGH_PROXY = "through-proxy";

    private static volatile String database;
    private static volatile TcpProxy proxy;
    private boolean throughProxy;

    @Override
    public void init(Map<String, String> initArgs) {
        throughProxy = Boolean.parseBoolean(initArgs.getOrDefault(THROUGH_PROXY, "false"));
    }

    @Override
    public Map<String, String> start() {
        database = "sync_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        admin("CREATE DATABASE " + database);
        String appPort = PORT;
        if (throughProxy) {
            proxy = TcpProxy.to(HOST, Integer.parseInt(PORT));
            appPort = String.valueOf(proxy.port());
        }
        return Map.of(
                "quarkus.datasource.username", USER,
                "quarkus.datasource.password", PASSWORD,
                "quarkus.datasource.reactive.url", "postgresql://" + HOST + ":" + appPort + "/" + database,
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://" + HOST + ":" + appPort + "/" + database);
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.close();
            proxy = null;
        }
        if (database != null) {
            admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    /** The relay between the application and PostgreSQL, when started {@link #THROUGH_PROXY}. */
    public static TcpProxy proxy() {
        return proxy;
    }

    /** A plain JDBC connection to this test's database, for assertions and fault injection. */
    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), USER, PASSWORD);
    }

    /** The single number a query returns, from this test's database. */
    public static long count(String sql) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             java.sql.ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    public static void execute(String sql) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Every row of this test's database as {@code pg_dump --data-only} writes it (what a backup of it would hold). */
    public static String dumpData() throws java.io.IOException, InterruptedException {
        ProcessBuilder dump = new ProcessBuilder("pg_dump", "--data-only", "-h", HOST, "-p", PORT, "-U", USER, database)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        dump.environment().put("PGPASSWORD", PASSWORD);
        Process process = dump.start();
        String text = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("pg_dump failed with exit code " + process.exitValue());
        }
        return text;
    }

    private static String jdbcUrl(String name) {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + name;
    }

    private static void admin(String sql) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), USER, PASSWORD);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + HOST + ":" + PORT + " refused: " + sql, e);
        }
    }
}
