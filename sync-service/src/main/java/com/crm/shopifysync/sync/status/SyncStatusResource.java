package com.crm.shopifysync.sync.status;

import com.crm.shopifysync.sync.bulk.SyncRun;
import com.crm.shopifysync.sync.bulk.SyncRunStore;
import com.crm.shopifysync.sync.bulk.SyncRunner;
import com.crm.shopifysync.sync.deadletter.DeadLetterEntity;
import com.crm.shopifysync.sync.deadletter.DeadLetterRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * A shop's sync: {@code GET /api/shops/{shop}/sync} says where it stands (state, phase, progress per entity, last
 * success, summary or failure reason, dead-letter count); {@code POST /api/shops/{shop}/sync} is Sync Now
 * (incremental, or resuming a failed sync from its checkpoint; {@code ?mode=full} forces a full one) and answers
 * 202, or 409 naming the sync already running.
 */
@Path("/api/shops/{shop}/sync")
@Produces(MediaType.APPLICATION_JSON)
public class SyncStatusResource {

    public record Progress(long synced, Long total) {
    }

    /** The status of one shop's sync. */
    public record SyncStatus(String shop, String state, String phase, String mode, String runId, Progress customers,
                             Progress orders, Instant startedAt, Instant finishedAt, Instant lastSuccessfulSyncAt,
                             Instant cutoverAt, String summary, String failureReason, long deadLetterCount,
                             List<String> warnings) {
    }

    private final DeadLetterRepository deadLetters;
    private final SyncRunStore runs;
    private final SyncRunner runner;

    public SyncStatusResource(DeadLetterRepository deadLetters, SyncRunStore runs, SyncRunner runner) {
        this.deadLetters = deadLetters;
        this.runs = runs;
        this.runner = runner;
    }

    @GET
    @WithSession
    public Uni<SyncStatus> status(@RestPath String shop) {
        String shopDomain = shop.toLowerCase(Locale.ROOT);
        return deadLetters.countByShop(shopDomain, DeadLetterEntity.DEAD)
                .chain(deadLetterCount -> runs.shop(shopDomain).chain(state -> runs.latest(shopDomain)
                        .map(run -> status(shopDomain, state, run, deadLetterCount))));
    }

    @POST
    public Uni<Response> syncNow(@RestPath String shop, @RestQuery String mode) {
        String shopDomain = shop.toLowerCase(Locale.ROOT);
        if (mode != null && !mode.equals(SyncRun.FULL) && !mode.equals(SyncRun.INCREMENTAL)) {
            return Uni.createFrom().item(Response.status(400).entity(Map.of("error", "mode must be incremental or full")).build());
        }
        return runner.start(shopDomain, SyncRun.FULL.equals(mode)).map(started -> started.run()
                        .map(run -> Response.accepted(Map.of("runId", run.id().toString(), "mode", run.mode(), "state", run.state())).build())
                        .orElseGet(() -> {
                            SyncRun running = started.alreadyRunning().orElseThrow();
                            return Response.status(409).entity(Map.of("error", "a sync of " + shopDomain + " is already running",
                                    "runId", running.id().toString(), "mode", running.mode(), "startedAt", running.startedAt().toString())).build();
                        }))
                .onFailure(SyncRunStore.UnknownShopException.class)
                .recoverWithItem(e -> Response.status(404).entity(Map.of("error", e.getMessage())).build());
    }

    private static SyncStatus status(String shop, Optional<SyncRunStore.ShopState> state, Optional<SyncRun> latest, long deadLetterCount) {
        List<String> warnings = new ArrayList<>();
        if (state.map(SyncRunStore.ShopState::ordersLimitedTo60Days).orElse(false)) {
            warnings.add("Only the last 60 days of orders are visible: the app lacks the read_all_orders scope");
        }
        Instant lastSuccess = state.map(SyncRunStore.ShopState::lastSuccessfulSyncAt).orElse(null);
        Instant cutover = state.map(SyncRunStore.ShopState::syncStartedAt).orElse(null);
        if (latest.isEmpty()) {
            return new SyncStatus(shop, "idle", null, null, null, null, null, null, null, lastSuccess, cutover, null, null,
                    deadLetterCount, warnings);
        }
        SyncRun run = latest.get();
        String current = switch (run.state()) {
            case SyncRun.RUNNING -> "running";
            case SyncRun.FAILED -> "error";
            default -> "idle";
        };
        return new SyncStatus(shop, current, run.phase(), run.mode(), run.id().toString(),
                new Progress(run.customersSynced(), run.customersTotal()), new Progress(run.ordersSynced(), run.ordersTotal()),
                run.startedAt(), run.finishedAt(), lastSuccess, cutover, run.summary(), run.failureReason(), deadLetterCount, warnings);
    }
}
