package com.crm.shopifysync.bench;

import com.crm.shopifysync.model.Topics;
import com.crm.shopifysync.model.WebhookDelivery;
import com.crm.shopifysync.testing.KafkaBroker;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Events applied per second by the packaged sync-service from a pre-filled topic: half customer updates,
 * half orders with 3 line items (about 1.5 KB and 3 KB), over 25,000 customers and 25,000 orders, each event
 * with its own event id. The service starts after the topic is full and the clock runs from its first
 * applied event to its last.
 *
 * <p>Usage: {@code SyncThroughput <sync-service quarkus-run.jar> [events] [extra env KEY=VALUE ...]}
 */
public final class SyncThroughput {

    public static void main(String[] args) throws Exception {
        String jar = args[0];
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        String run = "bench" + Long.toString(System.currentTimeMillis(), 36);
        String prefix = run + ".";
        String database = "bench_" + run;

        KafkaBroker broker = BenchEnvironment.topics(prefix);
        BenchEnvironment.admin("CREATE DATABASE " + database);
        try {
            long produceStart = System.nanoTime();
            prefill(broker.bootstrapServers(), prefix + Topics.WEBHOOKS, events);
            System.out.printf("pre-filled %d events in %.1f s%n", events, (System.nanoTime() - produceStart) / 1e9);

            ProcessBuilder service = new ProcessBuilder("java", "-Xmx512m", "-jar", jar)
                    .redirectErrorStream(true)
                    .redirectOutput(new File("target/sync-service-benchmark.log"));
            Map<String, String> env = service.environment();
            env.put("DB_NAME", database);
            env.put("TOPICS_PREFIX", prefix);
            env.put("SYNC_API_TOKENS", "benchmark");
            env.put("QUARKUS_HTTP_PORT", "18080");
            env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
            for (int i = 2; i < args.length; i++) {
                String[] pair = args[i].split("=", 2);
                env.put(pair[0], pair[1]);
            }
            long launched = System.nanoTime();
            Process process = service.start();
            try {
                measure(database, events, launched);
            } finally {
                process.destroy();
                process.waitFor();
            }
        } finally {
            BenchEnvironment.admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private static void prefill(String bootstrap, String topic, int events) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        Instant base = Instant.parse("2026-01-01T00:00:00Z");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < events; i++) {
                long resource = (i / 2) % 25_000;
                boolean customer = i % 2 == 0;
                String topicName = customer ? "customers/update" : "orders/updated";
                String body = customer
                        ? Bodies.customer(resource, base.plusSeconds(i), 1536)
                        : Bodies.order(resource, resource, base.plusSeconds(i), 3072);
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                WebhookDelivery delivery = new WebhookDelivery(topicName, "bench.myshopify.com", UUID.randomUUID().toString(),
                        Optional.of(UUID.randomUUID().toString()), Optional.empty(), Optional.of("2026-01"), Instant.now());
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, delivery.recordKey(bytes), bytes);
                delivery.toHeaders().forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
                producer.send(record);
            }
            producer.flush();
        }
    }

    private static void measure(String database, int events, long launched) throws Exception {
        long firstApplied = 0;
        long countAtFirst = 0;
        long deadline = System.nanoTime() + 20L * 60 * 1_000_000_000L;
        try (Connection connection = BenchEnvironment.connect(database)) {
            while (System.nanoTime() < deadline) {
                long applied = count(connection);
                long now = System.nanoTime();
                if (firstApplied == 0 && applied > 0) {
                    firstApplied = now;
                    countAtFirst = applied;
                    System.out.printf("first events applied %.1f s after launch%n", (now - launched) / 1e9);
                }
                if (applied >= events) {
                    double seconds = (now - firstApplied) / 1e9;
                    System.out.printf("applied %d events in %.1f s: %.0f events/s (from the first applied event; %.1f s including start-up)%n",
                            events, seconds, (events - countAtFirst) / seconds, (now - launched) / 1e9);
                    return;
                }
                Thread.sleep(200); // benchmark polling interval, not synchronisation of a test
            }
        }
        throw new IllegalStateException("not all events were applied within 20 minutes");
    }

    private static long count(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM processed_webhooks")) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException notMigratedYet) {
            return 0;
        }
    }

}
