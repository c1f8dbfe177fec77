package com.crm.shopifysync.bench;

import com.crm.shopifysync.testing.KafkaBroker;
import com.crm.shopifysync.testing.PrometheusText;
import com.crm.shopifysync.testing.StatusSocketClient;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

/**
 * N WebSocket clients (default 1,000) of one shop watch a sync of C customers and O orders (default 50,000 and
 * 150,000: 200,000 rows) run by the packaged sync-service; rounds alternate with a sync watched by nobody. Prints the
 * latency from each progress event (the commit of a batch, {@code progressAt}) to each client receiving it (p50, p99,
 * max), the status messages per client, the service's memory per connection (heap after a full GC, and resident set),
 * and the sync's duration with and without clients.
 *
 * <p>Usage: {@code StatusFanOut <sync-service quarkus-run.jar> [clients] [customers] [orders] [rounds]}
 */
public final class StatusFanOut {

    private static final String SHOP = "status-bench.myshopify.com";
    private static final String TOKEN = "benchmark";
    private static final int PORT = 18095;
    private static final String BASE = "http://127.0.0.1:" + PORT;
    private static final int SIMULATOR_PORT = 18096;
    /** All clients' messages are handled on one thread, so that 1,000 of them cost the shared machine little. */
    private static final HttpClient SOCKETS = HttpClient.newBuilder().executor(Executors.newSingleThreadExecutor()).build();

    public static void main(String[] args) throws Exception {
        String jar = args[0];
        String simulatorJar = args[1];
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
        int customers = args.length > 3 ? Integer.parseInt(args[3]) : 50_000;
        int orders = args.length > 4 ? Integer.parseInt(args[4]) : 150_000;
        int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 2;
        Files.createDirectories(Path.of("target"));
        // Shopify in a process of its own: its large heap (the generated store) and its export work stay out of the
        // clients' process, whose pauses would otherwise count as delivery latency.
        ProcessBuilder shopify = new ProcessBuilder("java", "-Xmx3g", "-jar", simulatorJar).redirectErrorStream(true)
                .redirectOutput(new File("target/simulator-status-benchmark.log"));
        shopify.environment().putAll(Map.of("SIMULATOR_PORT", Integer.toString(SIMULATOR_PORT), "SIMULATOR_SHOP", SHOP,
                "SIMULATOR_ACCESS_TOKEN", "bench-token", "SIMULATOR_CUSTOMERS", Integer.toString(customers),
                "SIMULATOR_ORDERS", Integer.toString(orders), "SIMULATOR_SEED", "3",
                "SIMULATOR_DATA_DIR", Path.of("target/status-benchmark-exports").toAbsolutePath().toString()));
        long generating = System.nanoTime();
        Process simulator = shopify.start();
        try {
            awaitShop(HttpClient.newHttpClient());
            System.out.printf("simulator up with %,d customers and %,d orders in %.1f s%n", customers, orders, (System.nanoTime() - generating) / 1e9);
            List<Double> alone = new ArrayList<>();
            List<Double> watched = new ArrayList<>();
            List<Double> aloneCpu = new ArrayList<>();
            List<Double> watchedCpu = new ArrayList<>();
            List<Double> fanOutCores = new ArrayList<>();
            List<Double> aloneWall = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                double[] without = round(jar, 0);
                alone.add(without[0]);
                aloneCpu.add(without[1]);
                aloneWall.add(without[3]);
                double[] with = round(jar, clients);
                watched.add(with[0]);
                watchedCpu.add(with[1]);
                fanOutCores.add(with[2]);
            }
            System.out.printf("%nsync of %,d rows, time applying rows: %s without clients, %s with %,d clients: %+.1f%%%n"
                            + "sync-service CPU for the whole sync: %s s without clients, %s s with them: %+.1f%%%n",
                    customers + orders, alone, watched, clients, change(alone, watched), aloneCpu, watchedCpu, change(aloneCpu, watchedCpu));
            // The sync's own rate: its CPU over the whole sync (the request to its end, waits for Shopify's exports included)
            double syncCores = aloneCpu.stream().mapToDouble(Double::doubleValue).sum() / aloneWall.stream().mapToDouble(Double::doubleValue).sum();
            double fanOut = fanOutCores.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            System.out.printf("fan-out to %,d clients at %d pushes a second: %.3f cores = %.1f%% of the sync's own CPU (%.2f cores over "
                    + "the whole sync, without clients); aim at most 5%%%n", clients, 1000 / STEADY_PUSH_MILLIS, fanOut, 100 * fanOut / syncCores, syncCores);
        } finally {
            simulator.destroy();
            simulator.waitFor();
        }
        System.exit(0); // the HTTP clients' threads would keep the JVM alive
    }

    private static double change(List<Double> before, List<Double> after) {
        double a = before.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double b = after.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        return 100 * (b - a) / a;
    }

    /** The steady phase's push interval: the service's own (sync.status.push-interval), so every change is pushed. */
    private static final int STEADY_PUSH_MILLIS = 100;

    /**
     * One sync on a fresh database; returns the seconds it spent applying rows, the service's CPU seconds, and (with
     * clients) the cores the fan-out alone costs: the service's CPU while the status changes every push interval with
     * no sync running, less its CPU idle with the same clients connected; and the sync's wall seconds, from its request
     * to its end.
     */
    private static double[] round(String jar, int clients) throws Exception {
        String run = "statusbench" + Long.toString(System.currentTimeMillis(), 36);
        String database = "bench_" + run;
        KafkaBroker broker = BenchEnvironment.topics(run + ".");
        BenchEnvironment.admin("CREATE DATABASE " + database);
        ProcessBuilder builder = new ProcessBuilder("java", "-Xmx512m", "-jar", jar).redirectErrorStream(true)
                .redirectOutput(new File("target/sync-service-status-benchmark.log"));
        Map<String, String> env = builder.environment();
        env.put("DB_NAME", database);
        env.put("TOPICS_PREFIX", run + ".");
        env.put("SYNC_API_TOKENS", TOKEN);
        env.put("QUARKUS_HTTP_PORT", Integer.toString(PORT));
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("SHOPIFY_SHOPS_0__DOMAIN", SHOP);
        env.put("SHOPIFY_SHOPS_0__ADMIN_URL", "http://127.0.0.1:" + SIMULATOR_PORT);
        env.put("SHOPIFY_SHOPS_0__ACCESS_TOKEN", "bench-token");
        env.put("SYNC_BULK_POLL_INITIAL", "100ms");
        env.put("SYNC_BULK_POLL_MAXIMUM", "500ms");
        env.put("SYNC_BULK_INITIAL_SYNC_ON_START", "false");
        Process process = builder.start();
        HttpClient http = HttpClient.newHttpClient();
        List<Watcher> sockets = new ArrayList<>();
        try {
            awaitReady(http, BASE + "/q/health/ready", Duration.ofMinutes(2));
            double heapBefore = heapAfterGc(process, http);
            long rssBefore = residentBytes(process);
            for (int i = 0; i < clients; i++) {
                sockets.add(Watcher.connect(StatusSocketClient.ticketPath(BASE, SHOP, TOKEN)));
            }
            long silent = 0;
            for (Watcher socket : sockets) {
                silent += socket.awaitFirst() ? 0 : 1;
            }
            if (silent > 0) {
                System.out.printf("  %,d of %,d clients got no status within 30 s of connecting%n", silent, clients);
            }
            if (clients > 0) {
                double heapAfter = heapAfterGc(process, http);
                long rssAfter = residentBytes(process);
                System.out.printf("%,d clients connected: heap after GC %+.1f MB (%.1f KB a connection), resident set %+.1f MB (%.1f KB a connection)%n",
                        clients, (heapAfter - heapBefore) / 1048576, (heapAfter - heapBefore) / 1024 / clients,
                        (rssAfter - rssBefore) / 1048576.0, (rssAfter - rssBefore) / 1024.0 / clients);
            }
            HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(BASE + "/api/shops/" + SHOP + "/sync"))
                    .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (started.statusCode() != 202) {
                throw new IllegalStateException("Sync Now: HTTP " + started.statusCode() + " " + started.body());
            }
            double cpuBefore = cpuSeconds(process);
            long syncFrom = System.nanoTime();
            double seconds = awaitFinished(database);
            double cpu = cpuSeconds(process) - cpuBefore;
            double wall = (System.nanoTime() - syncFrom) / 1e9;
            if (clients > 0) {
                report(sockets, seconds);
                String metrics = http.send(HttpRequest.newBuilder(URI.create(BASE + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
                System.out.printf("  server side, progress to written to the sockets: %s; of which reading the status: %s%n",
                        serverQuantiles(metrics, "sync_status_push_latency_seconds"), serverQuantiles(metrics, "sync_status_read_seconds"));
            } else {
                System.out.printf("sync without clients: %.1f s%n", seconds);
            }
            System.out.printf("  sync-service CPU during the sync: %.1f s%n", cpu);
            return new double[] {seconds, cpu, clients > 0 ? steadyFanOut(process, database, sockets) : 0, wall};
        } finally {
            sockets.forEach(Watcher::close);
            process.destroy();
            process.waitFor();
            BenchEnvironment.admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    /**
     * The fan-out on its own, with no sync loading the machine: the finished run's counter is bumped every push
     * interval for 20 s (each bump a status change, announced by the trigger and pushed to every client), against 10 s
     * of the same clients connected and nothing changing. Returns the cores the pushes cost.
     */
    private static double steadyFanOut(Process process, String database, List<Watcher> sockets) throws Exception {
        awaitReceipts(database);
        Thread.sleep(5_000); // the sync's last collections and compilations settle before the idle window
        double idleStart = cpuSeconds(process);
        long idleFrom = System.nanoTime();
        Thread.sleep(10_000); // benchmark measuring window
        double idleCores = (cpuSeconds(process) - idleStart) / ((System.nanoTime() - idleFrom) / 1e9);
        long messagesBefore = sockets.stream().mapToLong(Watcher::messages).sum();
        sockets.forEach(socket -> socket.steady = true);
        double start = cpuSeconds(process);
        long from = System.nanoTime();
        int pushes = 200;
        try (Connection connection = BenchEnvironment.connect(database); Statement statement = connection.createStatement()) {
            for (int i = 1; i <= pushes; i++) {
                statement.executeUpdate("UPDATE sync_runs SET customers_synced = customers_synced + 1, progress_at = clock_timestamp()");
                long next = from + i * STEADY_PUSH_MILLIS * 1_000_000L;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // pacing the changes, not synchronisation
                }
            }
        }
        double seconds = (System.nanoTime() - from) / 1e9;
        double cores = (cpuSeconds(process) - start) / seconds - idleCores;
        Thread.sleep(1_000); // the last pushes in flight
        double perClient = (double) (sockets.stream().mapToLong(Watcher::messages).sum() - messagesBefore) / sockets.size();
        long[] sorted = sockets.stream().flatMapToLong(Watcher::steadyLatencies).sorted().toArray();
        System.out.printf("  steady fan-out, no sync: %d status changes in %.1f s, %.1f messages a client (%.1f a second), "
                        + "latency from change to client p50 %d ms, p99 %d ms, max %d ms; service CPU %.3f cores above its %.3f cores "
                        + "idle with the clients connected%n", pushes, seconds, perClient, perClient / seconds, percentile(sorted, 50),
                percentile(sorted, 99), sorted.length == 0 ? 0 : sorted[sorted.length - 1], cores, idleCores);
        return cores;
    }

    /** The receipts a finished sync writes (customers, orders), each a status change pushed to every client. */
    private static void awaitReceipts(String database) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection connection = BenchEnvironment.connect(database); Statement statement = connection.createStatement();
                 ResultSet result = statement.executeQuery("SELECT count(*) FROM sync_receipts")) {
                if (result.next() && result.getLong(1) >= 2) {
                    return;
                }
            }
            Thread.sleep(200); // benchmark polling of the service's work
        }
        System.out.println("  the sync's receipts were not written within 60 s; the idle window may include them");
    }

    /** A server timer's p50, p99 and max, from its /q/metrics lines. */
    private static List<String> serverQuantiles(String metrics, String timer) {
        return metrics.lines().filter(line -> line.startsWith(timer + "{") || line.startsWith(timer + "_max"))
                .map(line -> line.substring(timer.length())).toList();
    }

    private static void report(List<Watcher> sockets, double seconds) throws InterruptedException {
        long missed = 0;
        for (Watcher socket : sockets) {
            missed += socket.awaitDone() ? 0 : 1;
        }
        if (missed > 0) {
            System.out.printf("  %,d clients got no completion status within 30 s of the sync's end%n", missed);
        }
        long[] sorted = sockets.stream().flatMapToLong(Watcher::latencies).sorted().toArray();
        System.out.printf("sync with %,d clients: %.1f s; %,d progress messages delivered (%.1f a client, %.1f a second); "
                        + "latency from progress to client p50 %d ms, p99 %d ms, max %d ms%n", sockets.size(), seconds, sorted.length,
                (double) sorted.length / sockets.size(), (double) sorted.length / sockets.size() / seconds, percentile(sorted, 50),
                percentile(sorted, 99), sorted.length == 0 ? 0 : sorted[sorted.length - 1]);
    }

    /**
     * A lean status client, so that 1,000 of them cost the shared machine little: it keeps, per running status, only the
     * latency from its {@code progressAt} to its arrival, found by a string search rather than by parsing the JSON.
     * The JDK's client, which takes its listener before connecting: Vert.x's {@code ClientWebSocket} sets its handlers
     * once the connect completes, and lost the status sent on connect for 1 to 12 of 1,000 clients.
     */
    private static final class Watcher implements WebSocket.Listener {

        private final CountDownLatch first = new CountDownLatch(1);
        private final CountDownLatch done = new CountDownLatch(1);
        private final AtomicLong messages = new AtomicLong();
        private final Latencies latencies = new Latencies();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;
        /** In the steady phase: every status's latency is kept, idle or not (the changes bump a finished run). */
        volatile boolean steady;
        private final Latencies steadyLatencies = new Latencies();

        static Watcher connect(String path) throws Exception {
            Watcher watcher = new Watcher();
            watcher.socket = SOCKETS.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + PORT + path), watcher)
                    .get(30, TimeUnit.SECONDS);
            return watcher;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                onMessage(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        private void onMessage(String text) {
            long now = System.currentTimeMillis();
            messages.incrementAndGet();
            first.countDown();
            if (steady) {
                steadyLatencies.addSinceProgress(text, now);
            } else if (text.contains("\"state\":\"running\"")) {
                latencies.addSinceProgress(text, now);
            } else if (text.contains("\"summary\":\"Sync complete")) {
                done.countDown();
            }
        }

        long messages() {
            return messages.get();
        }

        boolean awaitFirst() throws InterruptedException {
            return first.await(30, TimeUnit.SECONDS);
        }

        boolean awaitDone() throws InterruptedException {
            return done.await(30, TimeUnit.SECONDS);
        }

        LongStream steadyLatencies() {
            return steadyLatencies.stream();
        }

        LongStream latencies() {
            return latencies.stream();
        }

        void close() {
            socket.abort();
        }
    }

    /** Milliseconds from statuses' {@code progressAt} to their arrival, found by a string search, not by parsing. */
    private static final class Latencies {

        private long[] values = new long[256];
        private int count;

        synchronized void addSinceProgress(String status, long arrivedAtMillis) {
            int at = status.indexOf("\"progressAt\":\"");
            if (at < 0) {
                return;
            }
            String instant = status.substring(at + 14, status.indexOf('"', at + 14));
            if (count == values.length) {
                values = Arrays.copyOf(values, count * 2);
            }
            values[count++] = arrivedAtMillis - Instant.parse(instant).toEpochMilli();
        }

        synchronized LongStream stream() {
            return Arrays.stream(values, 0, count);
        }
    }

    private static long percentile(long[] sorted, int percent) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(percent / 100.0 * sorted.length) - 1)];
    }

    /**
     * Waits for the sync's end; returns the seconds during which rows were being applied (sampled every 200 ms), which
     * leaves out the time Shopify (the simulator, sharing this machine) takes to prepare the exports.
     */
    private static double awaitFinished(String database) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        long previousRows = 0;
        long previousSample = System.nanoTime();
        long applyingNanos = 0;
        while (System.nanoTime() < deadline) {
            try (Connection connection = BenchEnvironment.connect(database); Statement statement = connection.createStatement();
                 ResultSet result = statement.executeQuery("SELECT state, extract(epoch FROM finished_at - started_at), "
                         + "customers_synced + orders_synced FROM sync_runs")) {
                long now = System.nanoTime();
                if (result.next()) {
                    if (result.getLong(3) > previousRows) {
                        applyingNanos += now - previousSample;
                        previousRows = result.getLong(3);
                    }
                    if (!result.getString(1).equals("running")) {
                        if (!result.getString(1).equals("succeeded")) {
                            throw new IllegalStateException("the sync " + result.getString(1));
                        }
                        System.out.printf("  whole sync %.1f s, rows applied during %.1f s of it%n", result.getDouble(2), applyingNanos / 1e9);
                        return applyingNanos / 1e9;
                    }
                }
                previousSample = now;
            }
            Thread.sleep(200); // benchmark sampling interval, not synchronisation of a test
        }
        throw new IllegalStateException("the sync did not finish within 30 minutes");
    }

    /** The simulator lists the shop once its store is generated. */
    private static void awaitShop(HttpClient http) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + SIMULATOR_PORT + "/simulator/shops")).build(),
                        HttpResponse.BodyHandlers.ofString()).body().contains(SHOP)) {
                    return;
                }
            } catch (Exception notUpYet) {
                // starting
            }
            Thread.sleep(500); // benchmark polling of a starting process
        }
        throw new IllegalStateException("the simulator did not list " + SHOP + "; see target/simulator-status-benchmark.log");
    }

    /** User and system CPU of the process so far (/proc/PID/stat, in clock ticks of 10 ms). */
    private static double cpuSeconds(Process process) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    private static void awaitReady(HttpClient http, String url, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (Exception notUpYet) {
                // starting
            }
            Thread.sleep(200); // benchmark polling of a starting process
        }
        throw new IllegalStateException(url + " did not answer 200; see target/*-status-benchmark.log");
    }

    /** Heap used after a full GC of the service (jcmd), from its /q/metrics. */
    private static double heapAfterGc(Process process, HttpClient http) throws Exception {
        new ProcessBuilder("jcmd", Long.toString(process.pid()), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        String metrics = http.send(HttpRequest.newBuilder(URI.create(BASE + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        return PrometheusText.sum(metrics, "jvm_memory_used_bytes{area=\"heap\"", "");
    }

    private static long residentBytes(Process process) throws Exception {
        return Arrays.stream(Files.readString(Path.of("/proc/" + process.pid() + "/status")).split("\n"))
                .filter(line -> line.startsWith("VmRSS:")).map(line -> line.replaceAll("\\D", "")).mapToLong(Long::parseLong)
                .findFirst().orElseThrow() * 1024;
    }
}
