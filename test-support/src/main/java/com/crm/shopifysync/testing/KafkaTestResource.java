package com.crm.shopifysync.testing;

import com.crm.shopifysync.model.Topics;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Gives a Quarkus test its own topics on the shared real broker: every topic name gets a prefix unique to
 * this start of the application (the services read {@code topics.prefix}). Tests find the prefix
 * with {@link #topic(String)}. The shared broker is used unless a port is given as init argument.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    public static final int PARTITIONS = 6;
    /** The retry delays of the sync-service's test profile ({@code %test} in its application.properties). */
    public static final List<Long> RETRY_DELAYS_MS = List.of(200L, 400L, 800L);
    private static volatile String prefix = "";
    private static volatile KafkaBroker broker;

    /** Init argument: run on a broker of its own on this port (one a test may stop and restart). */
    public static final String PORT = "port";

    /** Init argument: leave the dead-letter topic out (with auto-creation off, writing to it fails). */
    public static final String WITHOUT_DEAD_LETTER_TOPIC = "without-dead-letter-topic";

    private int port = KafkaBroker.SHARED_PORT;
    private boolean withoutDeadLetterTopic;

    @Override
    public void init(Map<String, String> initArgs) {
        if (initArgs.containsKey(PORT)) {
            port = Integer.parseInt(initArgs.get(PORT));
        }
        withoutDeadLetterTopic = Boolean.parseBoolean(initArgs.getOrDefault(WITHOUT_DEAD_LETTER_TOPIC, "false"));
    }

    @Override
    public Map<String, String> start() {
        broker = KafkaBroker.onPort(port).ensureRunning();
        prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ".";
        List<String> topics = new java.util.ArrayList<>(List.of(topic(Topics.WEBHOOKS), topic(Topics.WEBHOOKS_DLQ),
                topic(Topics.WEBHOOKS_RETRY_ENTRY)));
        RETRY_DELAYS_MS.forEach(delay -> topics.add(topic(Topics.webhooksRetry(delay))));
        if (withoutDeadLetterTopic) {
            topics.remove(topic(Topics.WEBHOOKS_DLQ));
        }
        broker.createTopics(topics, PARTITIONS);
        return Map.of(
                "kafka.bootstrap.servers", broker.bootstrapServers(),
                "topics.prefix", prefix);
    }

    @Override
    public void stop() {
        // the topics stay: they are this run's, named apart, and the broker's retention removes them
    }

    /** The real name of a topic in the running test application. */
    public static String topic(String baseName) {
        return prefix + baseName;
    }

    public static KafkaBroker broker() {
        return broker;
    }
}
