package com.crm.shopifysync.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.model.Topics;
import com.crm.shopifysync.model.WebhookHeaders;
import com.crm.shopifysync.testing.Fixtures;
import com.crm.shopifysync.testing.KafkaBroker;
import com.crm.shopifysync.testing.SignedWebhook;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to the packaged gateway under a steady load of signed webhooks, as in a rollout: readiness goes down first
 * while webhooks are still accepted, then the gateway stops; every webhook that got its 200 is in Kafka.
 */
class GatewayShutdownIT {

    static final String SECRET = "shutdown-secret";

    @Test
    void everyWebhookAnswered200BeforeAndDuringShutdownIsInKafka() throws Exception {
        KafkaBroker broker = KafkaBroker.onPort(29092).ensureRunning();
        String prefix = "gateway_shutdown_" + Long.toString(System.currentTimeMillis(), 36) + ".";
        broker.createTopics(List.of(prefix + Topics.WEBHOOKS), 6);
        ServiceProcess gateway = ServiceProcess.start("webhook-gateway", 18481, Map.of("KAFKA_BOOTSTRAP_SERVERS",
                broker.bootstrapServers(), "TOPICS_PREFIX", prefix, "SHOPIFY_WEBHOOKS_SECRETS", SECRET, "QUARKUS_SHUTDOWN_DELAY", "2s"));
        byte[] body = Fixtures.webhook("customers/update");
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicLong afterSigterm = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicBoolean terminated = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService senders = Executors.newFixedThreadPool(4);
        List<Future<?>> load = new ArrayList<>();
        try {
            for (int sender = 0; sender < 4; sender++) {
                load.add(senders.submit(() -> {
                    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                    while (!stop.get()) {
                        SignedWebhook webhook = SignedWebhook.of("customers/update", "shutdown.myshopify.com", body, SECRET);
                        boolean sentAfterSigterm = terminated.get();
                        try {
                            HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri("/webhooks/shopify")).timeout(Duration.ofSeconds(30))
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(webhook.body()));
                            webhook.headers().forEach(request::header);
                            int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                            if (status == 200) {
                                acknowledged.add(webhook.eventId());
                                if (sentAfterSigterm) {
                                    afterSigterm.incrementAndGet();
                                }
                            } else {
                                refused.incrementAndGet();
                            }
                        } catch (java.io.IOException connectionRefusedOrReset) {
                            refused.incrementAndGet(); // Shopify retries these: nothing was acknowledged
                        }
                    }
                    return null;
                }));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 500);
            terminated.set(true);
            gateway.terminate();
            // readiness is down while the process still serves: Kubernetes stops routing to it before it stops
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> gateway.isAlive() && !ready(gateway));
            await().atMost(Duration.ofSeconds(60)).until(() -> !gateway.isAlive());
            stop.set(true);
            for (Future<?> sender : load) {
                sender.get();
            }
        } finally {
            stop.set(true);
            senders.shutdownNow();
            gateway.close();
        }

        Set<String> inKafka = eventIds(broker, prefix + Topics.WEBHOOKS, acknowledged.size());
        System.out.printf("%,d webhooks acknowledged (%,d of them sent after SIGTERM), %,d refused or cut off; %,d events in Kafka%n",
                acknowledged.size(), afterSigterm.get(), refused.get(), inKafka.size());
        assertThat(afterSigterm.get()).as("webhooks still accepted during the shutdown delay").isPositive();
        Set<String> missing = new HashSet<>(acknowledged);
        missing.removeAll(inKafka);
        assertThat(missing).as("acknowledged to Shopify but not in Kafka").isEmpty();
    }

    private static boolean ready(ServiceProcess service) {
        try {
            return service.isReady();
        } catch (IllegalStateException exited) {
            return false;
        }
    }

    private static Set<String> eventIds(KafkaBroker broker, String topic, int expectedAtLeast) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "gateway-shutdown-check-" + System.nanoTime());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, KafkaBroker.MAX_MESSAGE_BYTES);
        Set<String> eventIds = new HashSet<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int emptyPolls = 0;
            while (System.nanoTime() < deadline && (eventIds.size() < expectedAtLeast || emptyPolls < 3)) {
                var records = consumer.poll(Duration.ofMillis(500));
                emptyPolls = records.isEmpty() ? emptyPolls + 1 : 0;
                for (ConsumerRecord<String, byte[]> record : records) {
                    Header eventId = record.headers().lastHeader(WebhookHeaders.EVENT_ID);
                    eventIds.add(new String(eventId.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return eventIds;
    }
}
