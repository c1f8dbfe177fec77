package com.crm.shopifysync.sync.status;

import com.crm.shopifysync.model.ShopDomains;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * LISTENs on PostgreSQL's {@code sync_status} channel, where triggers announce every change of a shop's status (V4
 * migration): whichever replica commits a sync's progress, a dead letter or a finished sync, every replica hears it
 * and pushes it to its own clients. PostgreSQL rather than a Kafka topic because the status lives in PostgreSQL: the
 * notification is sent by the very commit that changes it, so none is published for a rolled-back change and none is
 * lost between the commit and a publish. A lost LISTEN connection is re-established every second; once it is back,
 * every shop with clients is read again, as notifications sent meanwhile are gone.
 */
@ApplicationScoped
public class SyncStatusChanges {

    static final String CHANNEL = "sync_status";
    private static final Logger LOG = Logger.getLogger(SyncStatusChanges.class);
    private static final long RECONNECT_MILLIS = 1_000;

    private final Vertx vertx;
    private final SyncStatusBroadcaster broadcaster;
    private final PgConnectOptions options;
    private PgSubscriber subscriber;
    private volatile boolean stopping;

    public SyncStatusChanges(Vertx vertx, SyncStatusBroadcaster broadcaster,
                             @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
                             @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
                             @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.vertx = vertx;
        this.broadcaster = broadcaster;
        this.options = PgConnectOptions.fromUri(url.startsWith("vertx-reactive:") ? url.substring("vertx-reactive:".length()) : url);
        user.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
    }

    void onStart(@Observes StartupEvent event) {
        subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> stopping ? -1L : RECONNECT_MILLIS);
        subscriber.channel(CHANNEL)
                .subscribeHandler(listening -> broadcaster.changedAll())
                .handler(shop -> broadcaster.changed(ShopDomains.normalize(shop)));
        connect();
    }

    private void connect() {
        subscriber.connect().onFailure(failure -> {
            if (!stopping) {
                LOG.warnf("Cannot LISTEN for sync status changes (%s); trying again in %d ms", failure.getMessage(), RECONNECT_MILLIS);
                vertx.setTimer(RECONNECT_MILLIS, id -> connect());
            }
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        if (subscriber != null) {
            subscriber.close();
        }
    }
}
