package com.crm.shopifysync.bench;

import com.crm.shopifysync.simulator.Shapes;
import com.crm.shopifysync.simulator.ShopifySimulator;
import com.crm.shopifysync.simulator.ShopifySimulator.ShopSpec;
import com.crm.shopifysync.simulator.SimulatedShop;
import com.crm.shopifysync.simulator.StoreData.Address;
import com.crm.shopifysync.simulator.StoreData.Customer;
import com.crm.shopifysync.testing.KafkaBroker;
import com.crm.shopifysync.testing.PrometheusText;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.File;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.postgresql.PGConnection;

/**
 * Bulk import of N customers (default 1,000,000) from a JSONL bulk-operation file into PostgreSQL, side by side with
 * PostgreSQL's COPY of the same rows (same columns and values, payload included) into the same table: the physical
 * limit on this machine. The packaged sync-service runs with a 256 MB heap limit; its peak heap is sampled from
 * {@code /q/metrics}. The file is served by the Shopify simulator as the customers export of an initial sync.
 *
 * <p>Usage: {@code BulkImport <sync-service quarkus-run.jar> <sync-service migrations dir> [rows] [extra env KEY=VALUE ...]}
 */
public final class BulkImport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> EXPORTED_FIELDS = Set.of("id", "firstName", "lastName", "email", "phone", "state", "tags",
            "note", "verifiedEmail", "taxExempt", "numberOfOrders", "amountSpent", "defaultEmailAddress", "defaultPhoneNumber",
            "defaultAddress", "createdAt", "updatedAt");
    private static final String SHOP = "bulk-bench.myshopify.com";
    /** The service's heap limit: BENCH_HEAP (256m unless set), so that an import can be shown to fit a smaller one. */
    private static final String HEAP = System.getenv().getOrDefault("BENCH_HEAP", "256m");
    private static final String COPY_COLUMNS = "shop_domain, shopify_id, admin_graphql_api_id, email, first_name, last_name, phone, "
            + "state, tags, note, verified_email, tax_exempt, orders_count, total_spent, total_spent_currency, email_marketing_state, "
            + "email_marketing_opt_in_level, email_marketing_consent_updated_at, sms_marketing_state, default_address, "
            + "shopify_created_at, shopify_updated_at, shopify_payload, shopify_payload_sha256";

    public static void main(String[] args) throws Exception {
        String jar = args[0];
        Path migrations = Path.of(args[1]);
        int rows = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        Path directory = Files.createDirectories(Path.of("target/bulk-import"));
        Path jsonl = directory.resolve("customers.jsonl");
        Path csv = directory.resolve("customers.csv");
        long generating = System.nanoTime();
        generate(rows, jsonl, csv);
        System.out.printf("generated %,d customers: %,d bytes of JSONL in %.1f s%n", rows, Files.size(jsonl),
                (System.nanoTime() - generating) / 1e9);

        double copyRate = copy(migrations, csv, rows);
        double importRate = serviceImport(jar, jsonl, rows, args);
        System.out.printf("%nbulk import: %,.0f rows/s = %.0f%% of COPY's %,.0f rows/s%n", importRate, 100 * importRate / copyRate, copyRate);
    }

    /** The same customers as the JSONL export (GraphQL shape, the fields the sync-service selects) and as COPY's CSV. */
    private static void generate(int rows, Path jsonl, Path csv) throws Exception {
        Random random = new Random(1);
        Instant start = Instant.parse("2024-01-01T00:00:00Z");
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        try (OutputStream lines = new BufferedOutputStream(Files.newOutputStream(jsonl), 1 << 20);
             Writer copy = new BufferedWriter(Files.newBufferedWriter(csv), 1 << 20)) {
            for (int i = 0; i < rows; i++) {
                long id = 7_000_000_000_000L + i * 7L;
                Instant created = start.plusSeconds(i * 60L);
                Instant updated = created.plusSeconds(random.nextInt(86_400));
                String first = "First" + random.nextInt(1000);
                String last = "Last" + random.nextInt(1000);
                String email = first.toLowerCase() + "." + id + "@example.com";
                Customer customer = new Customer(id, first, last, email, null, "DISABLED", i % 3 == 0 ? List.of("vip") : List.of(),
                        null, true, false, "USD", new Address(id + 3, first, last, "1 Main Street", "Ottawa", "Ontario", "ON", "Canada",
                        "CA", "K2P 2L8", null), "SUBSCRIBED", "NOT_SUBSCRIBED", i % 5, BigDecimal.valueOf(i % 5 * 1999L, 2), created, updated,
                        ZoneOffset.UTC);
                Map<String, Object> node = new LinkedHashMap<>(Shapes.graphQl(customer));
                node.keySet().retainAll(EXPORTED_FIELDS);
                byte[] line = JSON.writeValueAsBytes(node);
                lines.write(line);
                lines.write('\n');
                String address = JSON.writeValueAsString(node.get("defaultAddress"));
                copy.write(String.join(",", SHOP, Long.toString(id), "gid://shopify/Customer/" + id, email, first, last, "",
                        "disabled", i % 3 == 0 ? "{vip}" : "{}", "", "true", "false", Long.toString(i % 5),
                        customer.amountSpent().toPlainString(), "USD", "subscribed", "single_opt_in", created.toString(), "",
                        quote(address), created.toString(), updated.toString(), quote(new String(line, StandardCharsets.UTF_8)),
                        HexFormat.of().formatHex(sha256.digest(line))));
                copy.write('\n');
            }
        }
    }

    private static String quote(String value) {
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }

    /** COPY of the CSV into the customers table of a fresh database with the service's schema. */
    private static double copy(Path migrations, Path csv, int rows) throws Exception {
        String database = "bench_copy_" + Long.toString(System.currentTimeMillis(), 36);
        BenchEnvironment.admin("CREATE DATABASE " + database);
        try (Connection connection = BenchEnvironment.connect(database)) {
            try (Stream<Path> files = Files.list(migrations); Statement statement = connection.createStatement()) {
                for (Path file : files.sorted((a, b) -> Integer.compare(version(a), version(b))).toList()) {
                    statement.execute(Files.readString(file));
                }
            }
            long started = System.nanoTime();
            try (Reader reader = Files.newBufferedReader(csv)) {
                long copied = connection.unwrap(PGConnection.class).getCopyAPI()
                        .copyIn("COPY customers (" + COPY_COLUMNS + ") FROM STDIN (FORMAT csv)", reader);
                double seconds = (System.nanoTime() - started) / 1e9;
                System.out.printf("COPY: %,d rows in %.1f s: %,.0f rows/s%n", copied, seconds, rows / seconds);
                return rows / seconds;
            }
        } finally {
            BenchEnvironment.admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    /** The packaged sync-service's initial sync of a shop whose customers export is the JSONL file. */
    private static double serviceImport(String jar, Path jsonl, int rows, String[] args) throws Exception {
        String run = "bulkbench" + Long.toString(System.currentTimeMillis(), 36);
        String database = "bench_" + run;
        String prefix = run + ".";
        KafkaBroker broker = BenchEnvironment.topics(prefix);
        BenchEnvironment.admin("CREATE DATABASE " + database);
        try (ShopifySimulator simulator = new ShopifySimulator(ShopifySimulator.Options.defaults()).start()) {
            SimulatedShop shop = simulator.addShop(new ShopSpec(SHOP, "bench-token", ShopSpec.ALL_SCOPES, 0, 0, 1));
            shop.useRecordedExport("customers", new SimulatedShop.RecordedExport(jsonl.toAbsolutePath(), rows, rows));
            ProcessBuilder service = new ProcessBuilder("java", "-Xmx" + HEAP, "-jar", jar).redirectErrorStream(true)
                    .redirectOutput(new File("target/sync-service-bulk-benchmark.log"));
            Map<String, String> env = service.environment();
            env.put("DB_NAME", database);
            env.put("TOPICS_PREFIX", prefix);
            env.put("SYNC_API_TOKENS", "benchmark");
            env.put("QUARKUS_HTTP_PORT", "18090");
            env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
            env.put("SHOPIFY_SHOPS_0__DOMAIN", SHOP);
            env.put("SHOPIFY_SHOPS_0__ADMIN_URL", simulator.adminUrl());
            env.put("SHOPIFY_SHOPS_0__ACCESS_TOKEN", "bench-token");
            env.put("SYNC_BULK_POLL_INITIAL", "100ms");
            env.put("SYNC_BULK_INITIAL_SYNC_CHECK", "1s");
            for (int i = 3; i < args.length; i++) {
                String[] pair = args[i].split("=", 2);
                env.put(pair[0], pair[1]);
            }
            Process process = service.start();
            try {
                return measure(database, rows, process);
            } finally {
                process.destroy();
                process.waitFor();
            }
        } finally {
            BenchEnvironment.admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private static double measure(String database, int rows, Process service) throws Exception {
        long downloadStarted = 0;
        Duration cpuAtStart = Duration.ZERO;
        double gcPausesAtStart = 0;
        double peakHeap = 0;
        double peakLive = 0;
        long deadline = System.nanoTime() + 30L * 60 * 1_000_000_000L;
        HttpClient http = HttpClient.newHttpClient();
        long lastHeapSample = 0;
        while (System.nanoTime() < deadline) {
            if (System.nanoTime() - lastHeapSample > 1_000_000_000L) {
                // once a second: rendering /q/metrics costs the service CPU the import would use
                String metrics = metrics(http);
                peakHeap = Math.max(peakHeap, PrometheusText.sum(metrics, "jvm_memory_used_bytes{area=\"heap\"", ""));
                peakLive = Math.max(peakLive, PrometheusText.sum(metrics, "jvm_gc_live_data_size_bytes", ""));
                lastHeapSample = System.nanoTime();
            }
            String status = operationStatus(database);
            long now = System.nanoTime();
            if (downloadStarted == 0 && status.startsWith("COMPLETED")) {
                downloadStarted = now;
                cpuAtStart = cpuTime(service);
                gcPausesAtStart = gcPauses(metrics(http));
            }
            if (status.endsWith("done")) {
                double seconds = (now - downloadStarted) / 1e9;
                double cpu = (cpuTime(service).minus(cpuAtStart)).toNanos() / 1e9;
                double gc = gcPauses(metrics(http)) - gcPausesAtStart;
                System.out.printf("sync-service (-Xmx%s): %,d rows in %.1f s: %,.0f rows/s; peak heap used %.0f MB, "
                        + "old generation after its largest major or concurrent collection %s%n", HEAP, rows, seconds, rows / seconds,
                        peakHeap / 1024 / 1024, peakLive == 0 ? "n/a (none ran)" : String.format("%.0f MB", peakLive / 1024 / 1024));
                System.out.printf("sync-service CPU over the import: %.1f s (%.1f µs a row, %.2f cores); GC pauses %s%n", cpu, cpu * 1e6 / rows,
                        cpu / seconds, Double.isNaN(gc) ? "n/a (no jvm_gc_pause_seconds in /q/metrics)"
                                : String.format("%.1f s (%.0f%% of the import)", gc, gc * 100 / seconds));
                return rows / seconds;
            }
            Thread.sleep(250); // benchmark sampling interval, not synchronisation of a test
        }
        throw new IllegalStateException("the import did not finish within 30 minutes");
    }

    /** The service's CPU time so far, all threads (the kernel's account of the process). */
    private static Duration cpuTime(Process service) {
        return service.info().totalCpuDuration().orElseThrow(() -> new IllegalStateException("no CPU time for the service process"));
    }

    /** Seconds the service has spent in GC pauses so far, all collectors; NaN when the metrics do not say. */
    private static double gcPauses(String metrics) {
        return metrics.contains("jvm_gc_pause_seconds_sum") ? PrometheusText.sum(metrics, "jvm_gc_pause_seconds_sum", "") : Double.NaN;
    }

    private static String operationStatus(String database) {
        try (Connection connection = BenchEnvironment.connect(database); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT status, completed FROM sync_operations WHERE resource = 'customers'")) {
            return result.next() ? result.getString(1) + (result.getBoolean(2) ? " done" : "") : "";
        } catch (SQLException notYet) {
            return "";
        }
    }

    private static String metrics(HttpClient http) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:18090/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception notUpYet) {
            return "";
        }
    }

    private static int version(Path migration) {
        String name = migration.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }

}
