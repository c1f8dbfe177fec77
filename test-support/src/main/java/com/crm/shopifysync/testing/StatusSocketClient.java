package com.crm.shopifysync.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A client of the sync-service's status WebSocket, as the CRM frontend uses it: a ticket from
 * {@code POST /api/shops/{shop}/sync/tickets} with the API token, then {@code /ws/shops/{shop}/sync?ticket=…}. Keeps
 * every status received, with the time it arrived.
 */
public final class StatusSocketClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** A status as received: the JSON and {@link System#currentTimeMillis()} on arrival. */
    public record Received(JsonNode status, long receivedAtMillis) {
    }

    private final List<Received> received = new ArrayList<>();
    private final WebSocket socket;
    private volatile boolean closed;

    private StatusSocketClient(URI uri) throws Exception {
        this.socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(uri, new Listener())
                .get(30, TimeUnit.SECONDS);
    }

    /** Asks {@code baseUrl} for a ticket with {@code apiToken} and connects with it. */
    public static StatusSocketClient connect(String baseUrl, String shop, String apiToken) throws Exception {
        return new StatusSocketClient(socketUri(baseUrl, ticketPath(baseUrl, shop, apiToken)));
    }

    /** Connects to {@code path} (with whatever ticket it carries, or none) as given. */
    public static StatusSocketClient open(String baseUrl, String path) throws Exception {
        return new StatusSocketClient(socketUri(baseUrl, path));
    }

    /** The WebSocket path with a fresh ticket, from the ticket endpoint. */
    public static String ticketPath(String baseUrl, String shop, String apiToken) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/shops/" + shop + "/sync/tickets"))
                .header("Authorization", "Bearer " + apiToken).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("No ticket: HTTP " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body()).get("path").asText();
    }

    private static URI socketUri(String baseUrl, String path) {
        return URI.create(baseUrl.replaceFirst("^http", "ws") + path);
    }

    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    public synchronized JsonNode latest() {
        return received.isEmpty() ? null : received.get(received.size() - 1).status();
    }

    /** Waits for a status matching {@code condition} (received since connecting) and returns it. */
    public synchronized JsonNode await(Predicate<JsonNode> condition, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        int checked = 0;
        while (true) {
            for (; checked < received.size(); checked++) {
                if (condition.test(received.get(checked).status())) {
                    return received.get(checked).status();
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed) {
                throw new AssertionError("No status matched within " + atMost + (closed ? " (socket closed)" : "")
                        + "; last received: " + latest());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
            socket.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                long now = System.currentTimeMillis();
                try {
                    JsonNode status = JSON.readTree(partial.toString());
                    synchronized (StatusSocketClient.this) {
                        received.add(new Received(status, now));
                        StatusSocketClient.this.notifyAll();
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("A status that is not JSON: " + partial, e);
                } finally {
                    partial.setLength(0);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            markClosed();
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            markClosed();
        }

        private void markClosed() {
            synchronized (StatusSocketClient.this) {
                closed = true;
                StatusSocketClient.this.notifyAll();
            }
        }
    }
}
