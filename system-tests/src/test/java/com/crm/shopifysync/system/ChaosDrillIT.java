package com.crm.shopifysync.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.model.Topics;
import com.crm.shopifysync.model.WebhookSignature;
import com.crm.shopifysync.testing.KafkaBroker;
import com.crm.shopifysync.testing.SignedWebhook;
import com.crm.shopifysync.testing.TcpProxy;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole promise in one drill: every webhook answered 200 ends up applied exactly once in effect, or dead-lettered
 * exactly once, while the system is hurt the ways production hurts it. Four senders play Shopify for two shops, through
 * two packaged gateways, into a real broker, applied by two packaged sync-services to PostgreSQL behind a cuttable
 * relay. The events carry duplicates (Shopify's redeliveries, same event id), arrive out of order, and 1% are
 * malformed and 1% of a topic the CRM does not handle. Meanwhile: one sync-service is killed (SIGKILL) twice, the
 * second time while PostgreSQL is away; PostgreSQL is cut for 90 s; the broker is restarted; a gateway gets SIGTERM
 * while the other keeps serving. At the end every customer and order is at its last version, and the dead letters are
 * exactly the malformed and unsupported events.
 */
class ChaosDrillIT {

    static final int WEBHOOKS = 50_000;
    static final int CUSTOMERS_PER_SHOP = 1_000;
    static final int ORDERS_PER_SHOP = 500;
    static final List<String> SHOPS = List.of("drill-one.myshopify.com", "drill-two.myshopify.com");
    static final String SECRET = "drill-secret";
    static final String TOKEN = "drill-token";
    /** The pace of the senders: the events span every disruption below. */
    static final int WEBHOOKS_PER_SECOND = 220;

    static String database;
    static KafkaBroker broker;
    static TcpProxy postgres;
    static Map<String, String> common;

    @BeforeAll
    static void prepare() throws Exception {
        database = "drill_" + Long.toString(System.currentTimeMillis(), 36);
        String prefix = database + ".";
        broker = KafkaBroker.onPort(29092).ensureRunning();
        broker.createTopics(List.of(prefix + Topics.WEBHOOKS, prefix + Topics.WEBHOOKS_DLQ, prefix + Topics.WEBHOOKS_RETRY_ENTRY,
                prefix + Topics.webhooksRetry(2_000), prefix + Topics.webhooksRetry(4_000), prefix + Topics.webhooksRetry(8_000)), 6);
        BulkSyncSystem.admin("CREATE DATABASE " + database);
        postgres = TcpProxy.to("127.0.0.1", 5432);
        common = Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(), "TOPICS_PREFIX", prefix);
    }

    @AfterAll
    static void cleanUp() throws Exception {
        broker.ensureRunning();
        if (postgres != null) {
            postgres.close();
        }
        BulkSyncSystem.admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }

    /** One merchant action: its event id, topic, shop, body, and what it means for the final state. */
    record Event(String eventId, String topic, String shop, byte[] body, Kind kind, String resourceKey, int version) {

        enum Kind { VALID, MALFORMED, UNSUPPORTED }
    }

    @Test
    void everyAcknowledgedWebhookIsAppliedOnceOrDeadLetteredOnceThroughCrashesAndOutages() throws Exception {
        Map<String, String> syncEnvironment = with(common, Map.of("SYNC_API_TOKENS", TOKEN, "DB_NAME", database,
                "DB_PORT", String.valueOf(postgres.port()), "RETRIES_TOPICS", String.join(",", retryTopics()), "RETRIES_TIMEOUT_MS", "60000"));
        Map<String, String> gatewayEnvironment = with(common, Map.of("SHOPIFY_WEBHOOKS_SECRETS", SECRET, "QUARKUS_SHUTDOWN_DELAY", "2s"));
        ServiceProcess syncA = ServiceProcess.start("sync-service", 18680, with(syncEnvironment, Map.of("HOSTNAME", "sync-a")));
        ServiceProcess syncB = ServiceProcess.start("sync-service", 18681, with(syncEnvironment, Map.of("HOSTNAME", "sync-b")));
        List<ServiceProcess> gateways = new ArrayList<>(List.of(ServiceProcess.start("webhook-gateway", 18682, gatewayEnvironment),
                ServiceProcess.start("webhook-gateway", 18683, gatewayEnvironment)));
        List<ServiceProcess> everything = new ArrayList<>(List.of(syncA, syncB, gateways.get(0), gateways.get(1)));

        List<Event> events = workload(new Random(2026));
        LinkedBlockingDeque<SignedWebhook> queue = new LinkedBlockingDeque<>();
        Map<String, Event> byEventId = new HashMap<>();
        Random random = new Random(7);
        List<SignedWebhook> deliveries = new ArrayList<>();
        for (Event event : events) {
            byEventId.put(event.eventId(), event);
            SignedWebhook delivery = new SignedWebhook(event.topic(), event.shop(), java.util.UUID.randomUUID().toString(), event.eventId(),
                    Instant.now().toString(), event.body(), WebhookSignature.sign(SECRET, event.body()));
            deliveries.add(delivery);
            if (random.nextInt(100) < 3) {
                deliveries.add(delivery.redelivered()); // Shopify delivers the same event again
            }
        }
        // Out of order: windows of the stream are shuffled, so one resource's versions cross each other.
        for (int from = 0; from < deliveries.size(); from += 400) {
            Collections.shuffle(deliveries.subList(from, Math.min(deliveries.size(), from + 400)), random);
        }
        queue.addAll(deliveries);

        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicLong answered200 = new AtomicLong();
        AtomicLong refusedOrCut = new AtomicLong();
        Semaphore pace = new Semaphore(0);
        ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
        clock.scheduleAtFixedRate(() -> pace.release(WEBHOOKS_PER_SECOND / 10), 0, 100, TimeUnit.MILLISECONDS);
        AtomicInteger nextGateway = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(4);
        List<Future<?>> sending = new ArrayList<>();
        long started = System.nanoTime();
        for (int sender = 0; sender < 4; sender++) {
            sending.add(senders.submit(() -> {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1)).build();
                SignedWebhook webhook;
                while ((webhook = queue.pollFirst()) != null) {
                    pace.acquireUninterruptibly();
                    List<ServiceProcess> live = List.copyOf(gateways);
                    ServiceProcess gateway = live.get(Math.floorMod(nextGateway.getAndIncrement(), live.size()));
                    int status;
                    try {
                        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri("/webhooks/shopify")).timeout(Duration.ofSeconds(5))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(webhook.body()));
                        webhook.headers().forEach(request::header);
                        status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (java.io.IOException refusedOrTimedOut) {
                        status = 0;
                    }
                    if (status == 200) {
                        acknowledged.add(webhook.eventId());
                        answered200.incrementAndGet();
                    } else {
                        // As Shopify does: the same event again later (a new delivery of it), until it is answered 2xx.
                        refusedOrCut.incrementAndGet();
                        queue.addLast(webhook.redelivered());
                    }
                }
                return null;
            }));
        }

        // The disruptions, each when the senders have come that far.
        awaitProgress(answered200, count -> count >= 4_000);
        syncA.kill();
        syncA = ServiceProcess.launch("sync-service", 18680, with(syncEnvironment, Map.of("HOSTNAME", "sync-a")));
        everything.add(syncA);
        System.out.printf("drill: sync-service A killed (SIGKILL) and started again at %d acknowledged%n", answered200.get());

        awaitProgress(answered200, count -> count >= 10_000);
        postgres.cut();
        long cutAt = System.nanoTime();
        Future<?> restore = clock.schedule(postgres::restore, 90, TimeUnit.SECONDS);
        System.out.printf("drill: PostgreSQL cut for 90 s at %d acknowledged%n", answered200.get());

        awaitProgress(answered200, count -> count >= 16_000);
        syncA.kill();
        System.out.printf("drill: sync-service A killed again, %.0f s into the outage, at %d acknowledged%n",
                (System.nanoTime() - cutAt) / 1e9, answered200.get());
        restore.get();
        System.out.printf("drill: PostgreSQL back after %.0f s, at %d acknowledged%n", (System.nanoTime() - cutAt) / 1e9, answered200.get());
        // Kubernetes restarts it; it cannot start while its database is away (its schema migrates first), so now.
        syncA = ServiceProcess.launch("sync-service", 18680, with(syncEnvironment, Map.of("HOSTNAME", "sync-a")));
        everything.add(syncA);

        awaitProgress(answered200, count -> count >= 34_000);
        broker.stop();
        broker.ensureRunning();
        System.out.printf("drill: broker restarted at %d acknowledged%n", answered200.get());

        awaitProgress(answered200, count -> count >= 42_000);
        ServiceProcess leaving = gateways.get(0);
        gateways.remove(leaving);
        leaving.terminate();
        System.out.printf("drill: gateway 1 got SIGTERM at %d acknowledged; gateway 2 keeps serving%n", answered200.get());

        for (Future<?> sender : sending) {
            sender.get(15, TimeUnit.MINUTES);
        }
        clock.shutdownNow();
        senders.shutdown();
        double sendingSeconds = (System.nanoTime() - started) / 1e9;

        // Everything acknowledged, in the database: every valid event applied, every other one dead-lettered.
        Map<Event.Kind, Long> accepted = new HashMap<>();
        acknowledged.forEach(id -> accepted.merge(byEventId.get(id).kind(), 1L, Long::sum));
        long valid = accepted.getOrDefault(Event.Kind.VALID, 0L);
        long unusable = accepted.getOrDefault(Event.Kind.MALFORMED, 0L) + accepted.getOrDefault(Event.Kind.UNSUPPORTED, 0L);
        await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(2))
                .until(() -> single("SELECT count(*) FROM processed_webhooks") >= valid && single("SELECT count(*) FROM dead_letters") >= unusable);

        long applied = single("SELECT count(*) FROM processed_webhooks");
        long deadLetters = single("SELECT count(*) FROM dead_letters");
        long deadLetterRecords = single("SELECT coalesce(sum(attempts), 0) FROM dead_letters");
        Map<String, Integer> expected = lastVersions(events, acknowledged);
        Map<String, Integer> held = heldVersions();
        long behind = expected.entrySet().stream().filter(entry -> !entry.getValue().equals(held.get(entry.getKey()))).count();

        System.out.printf("""
                drill accounting (%.0f s of sending, %d webhooks, %d deliveries in all):
                  deliveries answered 200:                 %,d (%,d more were refused or cut off, and delivered again)
                  distinct events acknowledged:            %,d (valid %,d, malformed %,d, unsupported %,d)
                  events applied (processed, de-duplicated): %,d
                  dead letters:                            %,d (from %,d dead-letter records)
                  customers and orders at their last version: %,d of %,d
                """, sendingSeconds, events.size(), deliveries.size(), answered200.get(), refusedOrCut.get(), acknowledged.size(),
                valid, accepted.getOrDefault(Event.Kind.MALFORMED, 0L), accepted.getOrDefault(Event.Kind.UNSUPPORTED, 0L), applied,
                deadLetters, deadLetterRecords, expected.size() - behind, expected.size());

        assertThat(acknowledged).as("every event was delivered at last").hasSize(events.size());
        assertThat(applied).as("applied exactly once in effect").isEqualTo(valid);
        assertThat(deadLetters).as("dead-lettered: exactly the malformed and unsupported events").isEqualTo(unusable);
        assertThat(single("SELECT count(*) FROM dead_letters WHERE reason NOT LIKE 'malformed JSON%' AND reason NOT LIKE 'unsupported topic%'"))
                .as("no event dead-lettered for an outage").isZero();
        assertThat(behind).as("rows not at their last version").isZero();

        for (ServiceProcess process : everything) {
            process.close();
        }
    }

    /** The events: versions of customers and orders of two shops, with 1% malformed and 1% unsupported. */
    private static List<Event> workload(Random random) {
        List<Event> events = new ArrayList<>(WEBHOOKS);
        Map<String, Integer> versions = new HashMap<>();
        for (int i = 0; i < WEBHOOKS; i++) {
            String shop = SHOPS.get(random.nextInt(SHOPS.size()));
            String eventId = java.util.UUID.randomUUID().toString();
            int roll = random.nextInt(100);
            if (roll == 0) {
                events.add(new Event(eventId, "customers/update", shop, "{\"id\": 5, \"email\": ".getBytes(StandardCharsets.UTF_8),
                        Event.Kind.MALFORMED, null, 0));
                continue;
            }
            boolean customer = random.nextInt(10) < 7;
            long id = 1_000_000 + random.nextInt(customer ? CUSTOMERS_PER_SHOP : ORDERS_PER_SHOP);
            String key = shop + (customer ? "/customers/" : "/orders/") + id;
            int version = versions.merge(key, 1, Integer::sum);
            String updatedAt = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(version).toString();
            String body = customer
                    ? "{\"id\":" + id + ",\"admin_graphql_api_id\":\"gid://shopify/Customer/" + id + "\",\"email\":\"v" + version + "-" + id
                      + "@example.com\",\"first_name\":\"Drill\",\"updated_at\":\"" + updatedAt + "\",\"created_at\":\"2025-12-01T00:00:00Z\"}"
                    : "{\"id\":" + id + ",\"admin_graphql_api_id\":\"gid://shopify/Order/" + id + "\",\"name\":\"#" + id + "\",\"tags\":\"v"
                      + version + "\",\"total_price\":\"" + version + ".00\",\"currency\":\"USD\",\"updated_at\":\"" + updatedAt
                      + "\",\"created_at\":\"2025-12-01T00:00:00Z\",\"line_items\":[{\"id\":" + (id * 10) + ",\"title\":\"Mug\",\"quantity\":"
                      + version + ",\"price\":\"1.00\"}]}";
            if (roll == 1) {
                events.add(new Event(eventId, "customers/unknown_topic", shop, body.getBytes(StandardCharsets.UTF_8), Event.Kind.UNSUPPORTED,
                        null, 0));
                versions.merge(key, -1, Integer::sum);
                continue;
            }
            events.add(new Event(eventId, customer ? "customers/update" : "orders/updated", shop, body.getBytes(StandardCharsets.UTF_8),
                    Event.Kind.VALID, key, version));
        }
        return events;
    }

    /** The last version of every resource, among the events acknowledged. */
    private static Map<String, Integer> lastVersions(List<Event> events, Set<String> acknowledged) {
        Map<String, Integer> last = new HashMap<>();
        events.stream().filter(event -> event.kind() == Event.Kind.VALID && acknowledged.contains(event.eventId()))
                .forEach(event -> last.merge(event.resourceKey(), event.version(), Math::max));
        return last;
    }

    /** The version every row holds: customers by their email ("v7-…"), orders by their tag ("v7"). */
    private static Map<String, Integer> heldVersions() throws Exception {
        Map<String, Integer> held = new HashMap<>();
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("SELECT shop_domain, shopify_id, email FROM customers")) {
                while (rows.next()) {
                    String email = rows.getString(3);
                    held.put(rows.getString(1) + "/customers/" + rows.getLong(2), Integer.parseInt(email.substring(1, email.indexOf('-'))));
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT shop_domain, shopify_id, tags[1] FROM orders")) {
                while (rows.next()) {
                    held.put(rows.getString(1) + "/orders/" + rows.getLong(2), Integer.parseInt(rows.getString(3).substring(1)));
                }
            }
        }
        return held;
    }

    private static void awaitProgress(AtomicLong counter, LongPredicate reached) {
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> reached.test(counter.get()));
    }

    private static List<String> retryTopics() {
        return List.of(database + "." + Topics.webhooksRetry(2_000), database + "." + Topics.webhooksRetry(4_000),
                database + "." + Topics.webhooksRetry(8_000));
    }

    private static long single(String sql) throws Exception {
        try (Connection connection = connect(); Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static Connection connect() throws Exception {
        return java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + database, "postgres", "");
    }

    private static Map<String, String> with(Map<String, String> first, Map<String, String> second) {
        Map<String, String> merged = new HashMap<>(first);
        merged.putAll(second);
        return merged;
    }
}
