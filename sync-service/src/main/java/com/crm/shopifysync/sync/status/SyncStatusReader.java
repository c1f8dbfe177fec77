package com.crm.shopifysync.sync.status;

import com.crm.shopifysync.sync.bulk.SyncRun;
import com.crm.shopifysync.sync.bulk.SyncRunStore;
import com.crm.shopifysync.sync.bulk.SyncRunStore.ShopState;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads a shop's {@link SyncStatus}: the one place its state (idle, running, stale, error) is decided. */
@ApplicationScoped
public class SyncStatusReader {

    private final SyncRunStore runs;
    private final Pool pool;
    private final StatusConfig config;

    public SyncStatusReader(SyncRunStore runs, Pool pool, StatusConfig config) {
        this.runs = runs;
        this.pool = pool;
        this.config = config;
    }

    public Uni<SyncStatus> read(String shop) {
        return deadLetterCount(shop).chain(deadLetters -> runs.shop(shop)
                .chain(state -> runs.latest(shop).map(latest -> status(shop, state, latest, deadLetters, Instant.now()))));
    }

    private Uni<Long> deadLetterCount(String shop) {
        return pool.preparedQuery("SELECT count(*) FROM dead_letters WHERE shop_domain = $1 AND state = 'dead'")
                .execute(Tuple.of(shop)).map(rows -> rows.iterator().next().getLong(0));
    }

    SyncStatus status(String shop, Optional<ShopState> shopState, Optional<SyncRun> latest, long deadLetters, Instant now) {
        List<String> warnings = new ArrayList<>();
        if (shopState.map(ShopState::ordersLimitedTo60Days).orElse(false)) {
            warnings.add("Only the last 60 days of orders are visible: the app lacks the read_all_orders scope");
        }
        Instant lastSuccess = shopState.map(ShopState::lastSuccessfulSyncAt).orElse(null);
        Instant cutover = shopState.map(ShopState::syncStartedAt).orElse(null);
        String state;
        String reason = null;
        if (latest.map(run -> run.state().equals(SyncRun.RUNNING)).orElse(false)) {
            state = SyncStatus.RUNNING;
        } else if (latest.map(run -> run.state().equals(SyncRun.FAILED)).orElse(false)) {
            state = SyncStatus.ERROR;
            reason = "The last sync failed: " + latest.get().failureReason();
        } else if (lastSuccess == null) {
            state = SyncStatus.STALE;
            reason = "No sync has completed yet";
        } else if (lastSuccess.isBefore(now.minus(config.staleAfter()))) {
            state = SyncStatus.STALE;
            reason = "No successful sync for " + hours(Duration.between(lastSuccess, now));
        } else {
            state = SyncStatus.IDLE;
        }
        if (latest.isEmpty()) {
            return new SyncStatus(shop, state, reason, null, null, null, null, null, null, null, null, lastSuccess, cutover,
                    null, null, deadLetters, warnings);
        }
        SyncRun run = latest.get();
        return new SyncStatus(shop, state, reason, run.phase(), run.mode(), run.id().toString(),
                new SyncStatus.Progress(run.customersSynced(), run.customersTotal()),
                new SyncStatus.Progress(run.ordersSynced(), run.ordersTotal()), run.startedAt(), run.progressAt(),
                run.finishedAt(), lastSuccess, cutover, run.summary(), run.failureReason(), deadLetters, warnings);
    }

    private static String hours(Duration duration) {
        long hours = duration.toHours();
        return hours >= 1 ? hours + (hours == 1 ? " hour" : " hours") : duration.toMinutes() + " minutes";
    }
}
