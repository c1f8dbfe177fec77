package com.crm.shopifysync.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A real Apache Kafka broker on this machine, run by {@code deploy/local/kafka.sh} (the same script the
 * local demo uses). A broker already listening on the port is reused, so a test run costs one start at
 * most; it is left running afterwards for the next run ({@code kafka.sh stop} stops it).
 */
public final class KafkaBroker {

    /** The port of the broker shared by all tests; {@code KAFKA_PORT} overrides it. */
    public static final int SHARED_PORT = Integer.parseInt(System.getenv().getOrDefault("KAFKA_PORT", "9092"));

    private final int port;

    private KafkaBroker(int port) {
        this.port = port;
    }

    public static KafkaBroker onPort(int port) {
        return new KafkaBroker(port);
    }

    public static KafkaBroker shared() {
        return onPort(SHARED_PORT).ensureRunning();
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public boolean isListening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public synchronized KafkaBroker ensureRunning() {
        if (!isListening()) {
            script("start");
        }
        return this;
    }

    /** Stops the broker process (its data stays, so a restart keeps every topic and record). */
    public synchronized void stop() {
        script("stop");
    }

    /** Large enough for the biggest webhook the gateway accepts (5 MiB body plus headers). */
    public static final String MAX_MESSAGE_BYTES = "6291456";

    public void createTopics(Collection<String> names, int partitions) {
        try (Admin admin = admin()) {
            // as deploy/local/kafka.sh and the Kubernetes topics: retry topics stamp records with the broker's time
            List<NewTopic> topics = names.stream()
                    .map(name -> new NewTopic(name, partitions, (short) 1).configs(Map.of("max.message.bytes", MAX_MESSAGE_BYTES,
                            "message.timestamp.type", name.matches(".*shopify\\.webhooks\\.retry_\\d+$") ? "LogAppendTime" : "CreateTime")))
                    .toList();
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create topics " + names, e);
        }
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    private void script(String command) {
        ProcessBuilder builder = new ProcessBuilder("bash", RepositoryRoot.find().resolve("deploy/local/kafka.sh").toString(), command)
                .redirectErrorStream(true);
        builder.environment().put("KAFKA_PORT", String.valueOf(port));
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException("kafka.sh " + command + " failed on port " + port + ":\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
