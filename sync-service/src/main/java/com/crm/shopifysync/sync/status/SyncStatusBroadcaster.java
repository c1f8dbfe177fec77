package com.crm.shopifysync.sync.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Pushes each shop's status to the WebSocket clients of that shop connected to this replica. A change (announced by
 * {@link SyncStatusChanges}) re-reads the status once for all of them: reads of one shop never overlap, follow each
 * other at least {@code sync.status.push-interval} apart (so clients get a few updates a second at most, however fast
 * rows arrive), and a status is sent only when it differs from the last one sent, in the order read.
 */
@ApplicationScoped
public class SyncStatusBroadcaster {

    private static final Logger LOG = Logger.getLogger(SyncStatusBroadcaster.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final CloseReason GOING_AWAY = new CloseReason(1001, "server shutting down, reconnect");

    /**
     * The clients of one shop whose sockets live on one event loop, and that loop's root context (the server's, not a
     * connection's: it holds no closed connection). A push is one task on each loop, writing straight to its sockets:
     * sent from the thread that read the status, each write would be a task of its own on the socket's loop
     * (status.sh: the fan-out's CPU).
     */
    private static final class EventLoopClients {
        final Context context;
        final Set<WebSocketConnection> connections = new HashSet<>();

        EventLoopClients(Context context) {
            this.context = context;
        }
    }

    /** The clients of one shop, by event loop, and the status they were last sent; guarded by itself. */
    private static final class ShopClients {
        final Map<Object, EventLoopClients> byEventLoop = new HashMap<>();
        String lastSent;
        boolean reading;
        boolean timerSet;
        boolean changedSinceRead;
        long lastReadNanos = Long.MIN_VALUE / 2;

        /**
         * Joins the group of the connection's event loop, known by the root of the context its callback runs on (a
         * connection opened outside any context is a group of its own); returns the group.
         */
        EventLoopClients add(WebSocketConnection connection, Vertx vertx) {
            Context current = Vertx.currentContext();
            Context root = current == null ? null : VertxContext.getRootContext(current);
            EventLoopClients loop = byEventLoop.computeIfAbsent(root != null ? root : connection,
                    key -> new EventLoopClients(root != null ? root : vertx.getOrCreateContext()));
            loop.connections.add(connection);
            return loop;
        }

        void remove(WebSocketConnection connection) {
            byEventLoop.values().removeIf(loop -> loop.connections.remove(connection) && loop.connections.isEmpty());
        }

        boolean isEmpty() {
            return byEventLoop.isEmpty();
        }

        int size() {
            return byEventLoop.values().stream().mapToInt(loop -> loop.connections.size()).sum();
        }

        List<WebSocketConnection> all() {
            List<WebSocketConnection> all = new ArrayList<>();
            byEventLoop.values().forEach(loop -> all.addAll(loop.connections));
            return all;
        }

        /**
         * In the order pushes are made (a loop runs its tasks in order, and each task writes to its sockets in turn);
         * {@code written} runs on each loop once its sockets are written.
         */
        void push(String text, Runnable written) {
            for (EventLoopClients loop : byEventLoop.values()) {
                List<WebSocketConnection> targets = List.copyOf(loop.connections);
                loop.context.runOnContext(ignored -> {
                    targets.forEach(connection -> send(connection, text));
                    written.run();
                });
            }
        }
    }

    private final Map<String, ShopClients> shops = new ConcurrentHashMap<>();
    private final SyncStatusReader reader;
    private final ObjectMapper json;
    private final Vertx vertx;
    private final long pushIntervalNanos;
    private final Timer pushLatency;
    private final Timer readDuration;

    public SyncStatusBroadcaster(SyncStatusReader reader, ObjectMapper json, Vertx vertx, StatusConfig config, MeterRegistry registry) {
        this.reader = reader;
        this.json = json;
        this.vertx = vertx;
        this.pushIntervalNanos = config.pushInterval().toNanos();
        this.pushLatency = Timer.builder("sync.status.push.latency")
                .description("From a sync's progress (a batch committed) to its status written to this replica's clients, on each of their event loops")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.readDuration = Timer.builder("sync.status.read")
                .description("Reading a shop's status for a push: the part of the push latency the database takes")
                .publishPercentiles(0.5, 0.99).register(registry);
        registry.gauge("sync.status.websocket.clients", shops, clients -> clients.values().stream().mapToInt(shop -> {
            synchronized (shop) {
                return shop.size();
            }
        }).sum());
    }

    /**
     * A new client gets the shop's status at once: the last one sent to the shop's clients, or a fresh read. The last
     * one is queued on the client's event loop as it joins, under the same lock as the pushes: any later push reaches
     * the client after it, never before.
     */
    void opened(String shop, WebSocketConnection connection) {
        boolean[] unread = new boolean[1];
        // Added inside compute: a concurrent close of the shop's last client cannot drop the entry this one joins.
        shops.compute(shop, (key, existing) -> {
            ShopClients joined = existing == null ? new ShopClients() : existing;
            synchronized (joined) {
                EventLoopClients loop = joined.add(connection, vertx);
                String current = joined.lastSent;
                if (current != null) {
                    loop.context.runOnContext(ignored -> send(connection, current));
                } else {
                    unread[0] = true;
                }
            }
            return joined;
        });
        if (unread[0]) {
            changed(shop);
        }
    }

    void closed(String shop, WebSocketConnection connection) {
        shops.computeIfPresent(shop, (key, clients) -> {
            synchronized (clients) {
                clients.remove(connection);
                return clients.isEmpty() ? null : clients;
            }
        });
    }

    /** Something of the shop's status may have changed: read it again (now, or once the push interval allows). */
    public void changed(String shop) {
        ShopClients clients = shops.get(shop);
        if (clients == null) {
            return;
        }
        long wait;
        synchronized (clients) {
            if (clients.reading || clients.timerSet) {
                clients.changedSinceRead = true;
                return;
            }
            wait = clients.lastReadNanos + pushIntervalNanos - System.nanoTime();
            if (wait > 0) {
                clients.timerSet = true;
            } else {
                clients.reading = true;
                clients.changedSinceRead = false;
                clients.lastReadNanos = System.nanoTime();
            }
        }
        if (wait > 0) {
            vertx.setTimer(Math.max(1, wait / 1_000_000), id -> {
                synchronized (clients) {
                    clients.timerSet = false;
                }
                changed(shop);
            });
        } else {
            read(shop, clients);
        }
    }

    /** Every shop with clients here; after a lost LISTEN connection, and on the stale check's schedule. */
    public void changedAll() {
        shops.keySet().forEach(this::changed);
    }

    /** Stale is a matter of time passing, which no notification announces. */
    @Scheduled(every = "${sync.status.stale-check:1m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void checkStale() {
        changedAll();
    }

    /**
     * Shutting down (readiness is already down): clients are told to go away (1001) and reconnect, to a replica that
     * stays. Open sockets would otherwise hold the graceful shutdown until its timeout.
     */
    void goingAway(@Observes ShutdownDelayInitiatedEvent event) {
        List<WebSocketConnection> open = new ArrayList<>();
        shops.values().forEach(clients -> {
            synchronized (clients) {
                open.addAll(clients.all());
            }
        });
        open.forEach(connection -> connection.close(GOING_AWAY).subscribe().with(closed -> {
        }, failure -> LOG.debugf("closing client %s: %s", connection.id(), failure.getMessage())));
    }

    private void read(String shop, ShopClients clients) {
        long started = System.nanoTime();
        // A read that never answers (a half-open connection) would hold every push of the shop, and new clients' first status.
        reader.read(shop).ifNoItem().after(READ_TIMEOUT).fail().subscribe().with(status -> {
            readDuration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            boolean again;
            try {
                String text = serialize(status);
                synchronized (clients) {
                    if (!text.equals(clients.lastSent)) {
                        boolean progress = status.progressAt() != null && SyncStatus.RUNNING.equals(status.state());
                        clients.push(text, () -> {
                            if (progress) {
                                pushLatency.record(Duration.between(status.progressAt(), Instant.now()));
                            }
                        });
                        clients.lastSent = text; // once pushed: a push that failed half way is pushed again
                    }
                    clients.reading = false;
                    again = clients.changedSinceRead;
                }
            } catch (RuntimeException e) {
                readFailed(shop, clients, e); // nothing thrown here may leave the shop "reading" for good
                return;
            }
            if (again) {
                changed(shop);
            }
        }, failure -> readFailed(shop, clients, failure));
    }

    private void readFailed(String shop, ShopClients clients, Throwable failure) {
        LOG.warnf(failure, "Could not read or push the sync status of %s; reading it again", shop);
        synchronized (clients) {
            clients.reading = false;
        }
        changed(shop); // after the push interval: new clients still wait for their first status
    }

    private String serialize(SyncStatus status) {
        try {
            return json.writeValueAsString(status);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A status always serializes", e);
        }
    }

    private static void send(WebSocketConnection connection, String text) {
        connection.sendText(text).subscribe().with(sent -> {
        }, failure -> LOG.debugf("A status did not reach client %s: %s", connection.id(), failure.getMessage()));
    }
}
