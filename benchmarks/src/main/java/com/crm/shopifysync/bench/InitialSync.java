package com.crm.shopifysync.bench;

import com.crm.shopifysync.simulator.ExportRate;
import com.crm.shopifysync.testing.KafkaBroker;
import com.crm.shopifysync.testing.PrometheusText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Time to a complete shop, as the merchant feels it: the whole initial sync of a generated shop (default 100,000
 * customers and 300,000 orders with their line items) whose Shopify exports a fixed number of objects a second per
 * bulk operation (default 10,000), once with Shopify allowing one bulk operation at a time for the shop and once
 * allowing five, each on a fresh database. The packaged simulator (its shop's limit set through its control API, the
 * API version staying the sync-service's), the packaged webhook-gateway (Shopify's bulk_operations/finish webhooks
 * reach the sync-service through it and Kafka, as deployed) and the packaged sync-service, which starts the shop's
 * initial sync by itself. A warm-up sync of a small second shop comes first, unmeasured, so that starting things (the
 * simulator's and PostgreSQL's caches, Kafka's offsets topic, the jars) does not count against the first run. Each run
 * is timed from the sync run's start to its end, when the status says "Sync complete"; its rows in PostgreSQL
 * (customers, orders, line items) must equal the simulator's. Prints both times, the ratio beside the aim (five at a
 * time in at most 40% of the time of one at a time), and what Shopify saw: how many exports, how many at once, at
 * what rate. Exits non-zero only when a run is not exact.
 *
 * <p>Usage: {@code InitialSync <sync-service quarkus-run.jar> <webhook-gateway quarkus-run.jar> <shopify-simulator.jar>
 * [customers] [orders] [objects/s per operation] [ENV=VALUE ...]} (extra settings go to the sync-service)
 */
public final class InitialSync {

    private static final String SHOP = "initial-sync-bench.myshopify.com";
    private static final String API_TOKEN = "benchmark";
    private static final String SHOPIFY_TOKEN = "initial-sync-bench-token";
    private static final String WARM_UP_SHOP = "initial-sync-warm-up.myshopify.com";
    private static final String WARM_UP_TOKEN = "initial-sync-warm-up-token";
    private static final String WEBHOOK_SECRET = "initial-sync-bench-secret";
    private static final int SYNC_PORT = 18097;
    private static final int GATEWAY_PORT = 18098;
    private static final int SIMULATOR_PORT = 18099;
    private static final String SIMULATOR = "http://127.0.0.1:" + SIMULATOR_PORT;
    private static final Duration RUN_LIMIT = Duration.ofMinutes(60);
    private static final double AIM = 0.40;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern ROOT_FIELD = Pattern.compile("^\\s*\\{\\s*(\\w+)");
    /** Every process this benchmark started, stopped when it ends, however it ends. */
    private static final List<Process> PROCESSES = new CopyOnWriteArrayList<>();

    /** One run: its times in seconds (from the run's start, from the shop's registration), exactness, its rows and Shopify's side. */
    private record Result(int limit, double seconds, double fromConnect, boolean exact, String rows, String exports) {
    }

    public static void main(String[] args) throws Exception {
        String syncJar = args[0];
        String gatewayJar = args[1];
        String simulatorJar = args[2];
        List<String> numbers = Stream.of(args).skip(3).filter(arg -> !arg.contains("=")).toList();
        int customers = numbers.size() > 0 ? Integer.parseInt(numbers.get(0)) : 100_000;
        int orders = numbers.size() > 1 ? Integer.parseInt(numbers.get(1)) : 300_000;
        double rate = numbers.size() > 2 ? Double.parseDouble(numbers.get(2)) : 10_000;
        Map<String, String> extraEnv = new LinkedHashMap<>();
        Stream.of(args).skip(3).filter(arg -> arg.contains("=")).forEach(arg -> extraEnv.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1)));

        Files.createDirectories(Path.of("target"));
        Path exports = Path.of("target/initial-sync-exports").toAbsolutePath();
        deleteRecursively(exports);
        KafkaBroker broker = KafkaBroker.onPort(KafkaBroker.SHARED_PORT);
        boolean brokerStarted = !broker.isListening();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            PROCESSES.forEach(InitialSync::stop);
            if (brokerStarted) {
                broker.stop();
            }
            deleteRecursively(exports);
        }));
        broker.ensureRunning();
        System.out.printf("Kafka on %s%s%n", broker.bootstrapServers(), brokerStarted ? " (started for this benchmark, stopped at its end)" : " (already running)");

        long generating = System.nanoTime();
        Process simulator = start("simulator", new ProcessBuilder("java", "-Xmx1500m", "-jar", simulatorJar), env(
                "SIMULATOR_PORT", Integer.toString(SIMULATOR_PORT), "SIMULATOR_SHOP", SHOP, "SIMULATOR_ACCESS_TOKEN", SHOPIFY_TOKEN,
                "SIMULATOR_CUSTOMERS", Integer.toString(customers), "SIMULATOR_ORDERS", Integer.toString(orders), "SIMULATOR_SEED", "14",
                "SIMULATOR_DATA_DIR", exports.toString(), "SIMULATOR_BULK_OBJECTS_PER_SECOND", Double.toString(rate),
                // Shopify's webhooks of a custom app (bulk_operations/finish here) go to the gateway without a subscription.
                "SIMULATOR_GATEWAY_URL", "http://127.0.0.1:" + GATEWAY_PORT + "/webhooks/shopify", "SHOPIFY_WEBHOOK_SECRET", WEBHOOK_SECRET,
                "SIMULATOR_APP_LEVEL_WEBHOOKS", "true"));
        JsonNode shop = awaitShop(simulator, SHOP);
        long lineItems = shop.path("lineItems").asLong();
        System.out.printf("Shopify simulated with %,d customers, %,d orders and %,d line items in %.1f s; each bulk operation exports "
                        + "%,.0f objects/s (%,.0f grouped); the sync-service asks for its default API version (five operations allowed "
                        + "from 2026-01): the shop's limit is set to one, then five%n", shop.path("customers").asLong(), shop.path("orders").asLong(),
                lineItems, (System.nanoTime() - generating) / 1e9, rate, rate * ExportRate.GROUPED_FACTOR);

        HttpResponse<String> warmUpShop = post(SIMULATOR + "/simulator/shops", JSON.writeValueAsString(Map.of("domain", WARM_UP_SHOP,
                "accessToken", WARM_UP_TOKEN, "customers", 500, "orders", 1_500, "seed", 15)));
        if (warmUpShop.statusCode() != 201) {
            throw new IllegalStateException("warm-up shop: HTTP " + warmUpShop.statusCode() + " " + warmUpShop.body());
        }
        run(syncJar, gatewayJar, awaitShop(simulator, WARM_UP_SHOP), WARM_UP_TOKEN, 0, extraEnv);
        List<Result> results = new ArrayList<>();
        for (int limit : new int[] {1, 5}) {
            results.add(run(syncJar, gatewayJar, shop, SHOPIFY_TOKEN, limit, extraEnv));
        }

        System.out.printf("%n== initial sync of %,d customers and %,d orders (%,d line items), Shopify exporting %,.0f objects/s per operation%n",
                customers, orders, lineItems, rate);
        for (Result result : results) {
            System.out.printf("Shopify allowing %d at a time: %7.1f s from the sync's start to \"Sync complete\" (%.1f s from the shop's "
                            + "registration), %s%n    %s%n    %s%n", result.limit(), result.seconds(), result.fromConnect(),
                    result.exact() ? "exact" : "NOT EXACT", result.rows(), result.exports());
        }
        double ratio = results.get(1).seconds() / results.get(0).seconds();
        System.out.printf("five at a time / one at a time: %.0f%% (aim: at most %.0f%%)%s%n", 100 * ratio, 100 * AIM,
                ratio <= AIM ? ", met" : ", not met");
        boolean exact = results.stream().allMatch(Result::exact);
        System.exit(exact ? 0 : 1); // the HTTP client's threads would keep the JVM alive; the hook stops what was started
    }

    /**
     * One initial sync of {@code shop} (its summary), Shopify allowing {@code limit} bulk operations at once (0: the API
     * version's limit, for the warm-up), on a fresh database and topics.
     */
    private static Result run(String syncJar, String gatewayJar, JsonNode shop, String token, int limit, Map<String, String> extraEnv)
            throws Exception {
        String domain = shop.path("domain").asText();
        String run = "initsync" + Long.toString(System.currentTimeMillis(), 36);
        String database = "bench_" + run;
        KafkaBroker broker = BenchEnvironment.topics(run + ".");
        BenchEnvironment.admin("CREATE DATABASE " + database);
        if (limit > 0) {
            HttpResponse<String> limited = post(SIMULATOR + "/simulator/shops/" + domain + "/bulk-limit", "{\"concurrentOperations\":" + limit + "}");
            if (limited.statusCode() != 200) {
                throw new IllegalStateException("bulk-limit: HTTP " + limited.statusCode() + " " + limited.body());
            }
            System.out.printf("%n== Shopify allowing %d bulk operation%s at a time (database %s)%n", limit, limit == 1 ? "" : "s", database);
        } else {
            System.out.printf("%n== warm-up: the initial sync of %s, %,d customers and %,d orders, unmeasured (database %s)%n", domain,
                    shop.path("customers").asLong(), shop.path("orders").asLong(), database);
        }
        Process gateway = null;
        Process sync = null;
        try {
            gateway = start("gateway-" + limit, new ProcessBuilder("java", "-Xmx256m", "-jar", gatewayJar), Map.of(
                    "SHOPIFY_WEBHOOKS_SECRETS", WEBHOOK_SECRET, "TOPICS_PREFIX", run + ".", "QUARKUS_HTTP_PORT", Integer.toString(GATEWAY_PORT),
                    "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers()));
            awaitReady(gateway, "http://127.0.0.1:" + GATEWAY_PORT + "/q/health/ready");
            Map<String, String> env = env("DB_NAME", database, "TOPICS_PREFIX", run + ".", "SYNC_API_TOKENS", API_TOKEN,
                    "QUARKUS_HTTP_PORT", Integer.toString(SYNC_PORT), "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                    "SHOPIFY_SHOPS_0__DOMAIN", domain, "SHOPIFY_SHOPS_0__ADMIN_URL", SIMULATOR, "SHOPIFY_SHOPS_0__ACCESS_TOKEN", token);
            env.putAll(extraEnv);
            long launched = System.currentTimeMillis();
            sync = start("sync-service-" + limit, new ProcessBuilder("java", "-Xmx512m", "-jar", syncJar), env);
            awaitComplete(sync, domain);
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + SYNC_PORT + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            long finishWebhooks = (long) PrometheusText.sum(metrics, "sync_webhook_events_total{", "topic=\"bulk_operations/finish\"");
            return result(limit, database, shop, launched, finishWebhooks);
        } finally {
            stop(sync);
            stop(gateway);
            BenchEnvironment.admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    /** Polls the sync status API (as the UI does) until the initial sync has ended ("Sync complete", or an error); its last status. */
    private static JsonNode awaitComplete(Process sync, String domain) throws Exception {
        long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
        String lastProgress = "";
        long lastPrinted = 0;
        while (System.nanoTime() < deadline) {
            if (!sync.isAlive()) {
                throw new IllegalStateException("the sync-service ended (exit " + sync.exitValue() + "); see " + log(sync));
            }
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + SYNC_PORT + "/api/shops/" + domain + "/sync"))
                        .header("Authorization", "Bearer " + API_TOKEN).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    JsonNode status = JSON.readTree(response.body());
                    String summary = status.path("summary").asText("");
                    if (!status.path("state").asText().equals("running") && summary.startsWith("Sync complete")) {
                        return status;
                    }
                    if (status.path("state").asText().equals("error")) {
                        return status;
                    }
                    String progress = String.format("%s: customers %,d / %s, orders %,d / %s", status.path("phase").asText(),
                            status.at("/customers/synced").asLong(), total(status.at("/customers/total")), status.at("/orders/synced").asLong(),
                            total(status.at("/orders/total")));
                    if (status.path("state").asText().equals("running") && !progress.equals(lastProgress)
                            && System.nanoTime() - lastPrinted > Duration.ofSeconds(10).toNanos()) {
                        System.out.println("  " + progress);
                        lastProgress = progress;
                        lastPrinted = System.nanoTime();
                    }
                }
            } catch (IOException notUpYet) {
                // starting
            }
            Thread.sleep(250); // benchmark polling of the status API
        }
        throw new IllegalStateException("the initial sync did not end within " + RUN_LIMIT.toMinutes() + " min; see " + log(sync));
    }

    private static String total(JsonNode total) {
        return total.isNull() || total.isMissingNode() ? "?" : String.format("%,d", total.asLong());
    }

    /** The run's times from PostgreSQL, its rows against Shopify's, and what the simulator's timeline says of the exports. */
    private static Result result(int limit, String database, JsonNode shop, long launched, long finishWebhooks) throws Exception {
        String domain = shop.path("domain").asText();
        try (Connection connection = BenchEnvironment.connect(database)) {
            double seconds;
            double fromConnect;
            long runStart;
            String state;
            String summary;
            String runId;
            try (PreparedStatement statement = connection.prepareStatement("SELECT r.state, r.summary, r.failure_reason, "
                    + "extract(epoch FROM r.finished_at - r.started_at), extract(epoch FROM r.finished_at - s.added_at), "
                    + "(extract(epoch FROM r.started_at) * 1000)::bigint, r.id::text FROM sync_runs r JOIN shops s USING (shop_domain) "
                    + "WHERE r.shop_domain = ? AND r.mode = 'initial' ORDER BY r.started_at LIMIT 1")) {
                statement.setString(1, domain);
                try (ResultSet row = statement.executeQuery()) {
                    if (!row.next()) {
                        throw new IllegalStateException("no initial sync run of " + domain);
                    }
                    state = row.getString(1);
                    summary = state.equals("succeeded") ? row.getString(2) : "failed: " + row.getString(3);
                    seconds = row.getDouble(4);
                    fromConnect = row.getDouble(5);
                    runStart = row.getLong(6);
                    runId = row.getString(7);
                }
            }
            long customers = count(connection, domain, "SELECT count(*) FROM customers WHERE shop_domain = ? AND deleted_at IS NULL");
            long orders = count(connection, domain, "SELECT count(*) FROM orders WHERE shop_domain = ? AND deleted_at IS NULL");
            long lineItems = count(connection, domain, "SELECT count(*) FROM order_line_items WHERE shop_domain = ?");
            boolean exact = state.equals("succeeded") && customers == shop.path("customers").asLong() && orders == shop.path("orders").asLong()
                    && lineItems == shop.path("lineItems").asLong();
            String rows = String.format("%s; rows %,d customers, %,d orders, %,d line items (Shopify: %,d, %,d, %,d); receipt: %s",
                    summary, customers, orders, lineItems, shop.path("customers").asLong(), shop.path("orders").asLong(),
                    shop.path("lineItems").asLong(), receipt(connection, runId));
            System.out.printf("  %.1f s, %s%n", seconds, exact ? "exact" : "NOT EXACT");
            return new Result(limit, seconds, fromConnect, exact, rows, exports(domain, launched, runStart)
                    + String.format("; bulk_operations/finish webhook events consumed by the sync-service: %d", finishWebhooks));
        }
    }

    /** The run's receipt (written just after the sync ends): the rows it left unexplained, once both resources have theirs. */
    private static String receipt(Connection connection, String runId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT count(*), coalesce(sum(unexplained), 0) FROM sync_receipts WHERE run_id = ?::uuid")) {
                statement.setString(1, runId);
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    if (row.getLong(1) == 2) {
                        return String.format("%,d rows unexplained", row.getLong(2));
                    }
                }
            }
            Thread.sleep(250); // benchmark polling of the receipt
        }
        return "not written within 30 s";
    }

    private static long count(Connection connection, String domain, String sql) throws Exception {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, domain);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /**
     * Shopify's side of the run, from the simulator's timeline of the shop's bulk operations created since the
     * sync-service was launched: how many, of what, how many at once at most, when they ran (seconds from the sync
     * run's start) and at what rate each exported while running.
     */
    private static String exports(String domain, long launched, long runStart) throws Exception {
        List<JsonNode> operations = new ArrayList<>();
        JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(SIMULATOR + "/simulator/shops/" + domain + "/bulk-operations")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).forEach(operation -> {
                    if (operation.path("createdAt").asLong() >= launched && !operation.path("startedAt").isNull()) {
                        operations.add(operation);
                    }
                });
        if (operations.isEmpty()) {
            return "Shopify: no bulk operation";
        }
        List<String> each = new ArrayList<>();
        long objects = 0;
        List<long[]> edges = new ArrayList<>();
        for (JsonNode operation : operations) {
            Matcher root = ROOT_FIELD.matcher(operation.path("query").asText());
            long started = operation.path("startedAt").asLong();
            long ended = operation.path("endedAt").isNull() ? System.currentTimeMillis() : operation.path("endedAt").asLong();
            long count = operation.path("objectCount").asLong();
            objects += count;
            each.add(String.format("%s %,d in %.1f s (%,.0f/s%s)", root.find() ? root.group(1) : "?", count, (ended - started) / 1000.0,
                    count / Math.max(0.001, (ended - started) / 1000.0), operation.path("groupObjects").asBoolean() ? ", grouped" : ""));
            edges.add(new long[] {started, 1});
            edges.add(new long[] {ended, -1});
        }
        edges.sort(Comparator.<long[]>comparingLong(edge -> edge[0]).thenComparingLong(edge -> edge[1]));
        int running = 0;
        int most = 0;
        for (long[] edge : edges) {
            running += (int) edge[1];
            most = Math.max(most, running);
        }
        long first = edges.get(0)[0];
        long last = edges.get(edges.size() - 1)[0];
        return String.format("Shopify: %d bulk operations, at most %d at once, exporting from %+.1f s to %+.1f s of the run, %,d objects: %s",
                operations.size(), most, (first - runStart) / 1000.0, (last - runStart) / 1000.0, objects, String.join("; ", each));
    }

    private static Map<String, String> env(String... namesAndValues) {
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            env.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return env;
    }

    private static Process start(String name, ProcessBuilder builder, Map<String, String> env) throws IOException {
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(new File("target/initial-sync-" + name + ".log"));
        Process process = builder.start();
        PROCESSES.add(process);
        return process;
    }

    private static String log(Process process) {
        return "target/initial-sync-*.log (pid " + process.pid() + ")";
    }

    private static void stop(Process process) {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static HttpResponse<String> post(String url, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The simulator lists the shop once its store is generated: the shop's summary. */
    private static JsonNode awaitShop(Process simulator, String domain) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline && simulator.isAlive()) {
            try {
                for (JsonNode shop : JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(SIMULATOR + "/simulator/shops")).build(),
                        HttpResponse.BodyHandlers.ofString()).body())) {
                    if (shop.path("domain").asText().equals(domain)) {
                        return shop;
                    }
                }
            } catch (IOException notUpYet) {
                // starting
            }
            Thread.sleep(500); // benchmark polling of a starting process
        }
        throw new IllegalStateException("the simulator did not list " + domain + "; see target/initial-sync-simulator.log");
    }

    private static void awaitReady(Process process, String url) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notUpYet) {
                // starting
            }
            Thread.sleep(200); // benchmark polling of a starting process
        }
        throw new IllegalStateException(url + " did not answer 200; see " + log(process));
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + directory + ": " + e.getMessage());
        }
    }
}
