package com.crm.shopifysync.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.model.Topics;
import com.crm.shopifysync.model.WebhookDelivery;
import com.crm.shopifysync.testing.KafkaBroker;
import com.crm.shopifysync.testing.PrometheusText;
import com.crm.shopifysync.testing.TcpProxy;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Nothing the gateway acknowledged is lost when the sync-service dies while PostgreSQL is away: one Kafka poll holds
 * two customers and, last in its partition, an event that can never be applied. The consumer dead-letters what it
 * cannot apply, but it must not commit the partition past the two customers still waiting for the database. The
 * process is killed after the commit interval, PostgreSQL comes back, a new process starts: both customers arrive and
 * the third event is a dead letter.
 */
class AcknowledgedWebhooksSurviveACrashIT {

    static final String SHOP = "crash-window.myshopify.com";
    static final String TOKEN = "system-test-token";
    static final int PARTITION = 2;

    static String database;
    static String prefix;
    static KafkaBroker broker;
    static TcpProxy postgres;
    static Map<String, String> environment;

    @BeforeAll
    static void prepare() throws Exception {
        database = "commit_test_" + Long.toString(System.currentTimeMillis(), 36);
        prefix = database + ".";
        broker = KafkaBroker.onPort(29092).ensureRunning();
        broker.createTopics(List.of(prefix + Topics.WEBHOOKS, prefix + Topics.WEBHOOKS_DLQ, prefix + Topics.WEBHOOKS_RETRY_ENTRY,
                prefix + Topics.webhooksRetry(2_000), prefix + Topics.webhooksRetry(4_000), prefix + Topics.webhooksRetry(8_000)), 6);
        BulkSyncSystem.admin("CREATE DATABASE " + database);
        postgres = TcpProxy.to("127.0.0.1", 5432);
        environment = Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(), "TOPICS_PREFIX", prefix,
                "SYNC_API_TOKENS", TOKEN, "DB_NAME", database, "DB_PORT", String.valueOf(postgres.port()),
                "RETRIES_TOPICS", String.join(",", prefix + Topics.webhooksRetry(2_000), prefix + Topics.webhooksRetry(4_000),
                        prefix + Topics.webhooksRetry(8_000)), "RETRIES_TIMEOUT_MS", "60000");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
        BulkSyncSystem.admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }

    @Test
    void aDeadLetterLastInItsPartitionNeverCommitsTheEventsBeforeIt() throws Exception {
        ServiceProcess service = ServiceProcess.start("sync-service", 18480, environment);
        try (KafkaProducer<String, byte[]> producer = producer()) {
            send(producer, "customers/create", customer(1, "warm-up")).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> customerEmail(service, 1).isPresent());
            // the warm-up is the partition's first record (offset 0): once committed, the partition stands at 1
            await().atMost(Duration.ofSeconds(30)).until(() -> committedOffset().orElse(0L) == 1L);

            postgres.cut();
            // Frozen, the consumer cannot poll; the three events are written as one batch, so they come in a single poll.
            service.freeze();
            List<Future<RecordMetadata>> sent = List.of(send(producer, "customers/create", customer(2, "first")),
                    send(producer, "customers/create", customer(3, "second")),
                    send(producer, "customers/unknown_topic", customer(4, "never-applied")));
            producer.flush();
            for (Future<RecordMetadata> written : sent) {
                written.get();
            }
            service.thaw();
            await().atMost(Duration.ofSeconds(30)).until(() -> metric(service, "sync_webhook_database_retries_total") >= 2);

            // Well past the commit interval (5 s), the partition's committed offset has not moved past the waiting events.
            await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500))
                    .until(() -> committedOffset().orElse(0L) == 1L);
            service.kill();
        } finally {
            service.close();
            postgres.restore();
        }

        ServiceProcess restarted = ServiceProcess.start("sync-service", 18480, environment);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> customerEmail(restarted, 2).isPresent() && customerEmail(restarted, 3).isPresent());
            assertThat(customerEmail(restarted, 2)).contains("first@example.com");
            assertThat(customerEmail(restarted, 3)).contains("second@example.com");
            await().atMost(Duration.ofSeconds(30)).until(() -> get(restarted, "/api/shops/" + SHOP + "/dead-letters/count").body()
                    .equals("{\"count\":1}"));
            assertThat(get(restarted, "/api/shops/" + SHOP + "/dead-letters").body()).contains("unsupported topic customers/unknown_topic");
        } finally {
            restarted.close();
        }
    }

    /** Records sent together within its linger time go to the broker as one batch. */
    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 200), new StringSerializer(), new ByteArraySerializer());
    }

    /** As the gateway writes it, into one partition so that the events share a poll and their order. */
    private static Future<RecordMetadata> send(KafkaProducer<String, byte[]> producer, String topic, byte[] body) {
        WebhookDelivery delivery = new WebhookDelivery(topic, SHOP, UUID.randomUUID().toString(), Optional.of(UUID.randomUUID().toString()),
                Optional.of(Instant.now().toString()), Optional.of("2026-07"), Instant.now());
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(prefix + Topics.WEBHOOKS, PARTITION, delivery.recordKey(body), body);
        delivery.toHeaders().forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        return producer.send(record);
    }

    private static byte[] customer(long id, String name) {
        return ("{\"id\":" + id + ",\"admin_graphql_api_id\":\"gid://shopify/Customer/" + id + "\",\"email\":\"" + name
                + "@example.com\",\"updated_at\":\"2026-01-01T00:00:00Z\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static Optional<Long> committedOffset() throws Exception {
        try (Admin admin = broker.admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(prefix + "sync-service")
                    .partitionsToOffsetAndMetadata().get();
            return Optional.ofNullable(offsets.get(new TopicPartition(prefix + Topics.WEBHOOKS, PARTITION))).map(OffsetAndMetadata::offset);
        }
    }

    private static Optional<String> customerEmail(ServiceProcess service, long id) throws Exception {
        HttpResponse<String> response = get(service, "/api/shops/" + SHOP + "/customers/" + id);
        if (response.statusCode() != 200) {
            return Optional.empty();
        }
        java.util.regex.Matcher email = java.util.regex.Pattern.compile("\"email\":\"([^\"]+)\"").matcher(response.body());
        return email.find() ? Optional.of(email.group(1)) : Optional.empty();
    }

    private static HttpResponse<String> get(ServiceProcess service, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(service.uri(path)).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static double metric(ServiceProcess service, String prefix) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(service.uri("/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        return PrometheusText.sum(response.body(), prefix, "");
    }
}
