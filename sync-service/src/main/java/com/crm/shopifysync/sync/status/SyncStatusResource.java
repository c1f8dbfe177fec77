package com.crm.shopifysync.sync.status;

import com.crm.shopifysync.model.ShopDomains;
import com.crm.shopifysync.sync.api.AdminApiAuthentication;
import com.crm.shopifysync.sync.api.PageOf;
import com.crm.shopifysync.sync.bulk.SyncReceipts;
import com.crm.shopifysync.sync.bulk.SyncRun;
import com.crm.shopifysync.sync.bulk.SyncRunStore;
import com.crm.shopifysync.sync.bulk.SyncRunner;
import com.crm.shopifysync.sync.shop.ShopDirectory;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.Map;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * A shop's sync: {@code GET /api/shops/{shop}/sync} says where it stands ({@link SyncStatus}, the same JSON the status
 * WebSocket streams); {@code POST /api/shops/{shop}/sync} is Sync Now (incremental, or resuming a failed sync from its
 * checkpoint; {@code ?mode=full} forces a full one) and answers 202, or 409 naming the sync already running;
 * {@code POST /api/shops/{shop}/sync/tickets} gives a short-lived ticket for the status WebSocket.
 */
@Path("/api/shops/{shop}/sync")
@Produces(MediaType.APPLICATION_JSON)
public class SyncStatusResource {

    private final SyncStatusReader statuses;
    private final SyncRunner runner;
    private final StatusTickets tickets;
    private final ShopDirectory shops;
    private final SyncRunStore store;
    private final SyncReceipts receipts;

    public SyncStatusResource(SyncStatusReader statuses, SyncRunner runner, StatusTickets tickets, ShopDirectory shops, SyncRunStore store,
                              SyncReceipts receipts) {
        this.store = store;
        this.receipts = receipts;
        this.statuses = statuses;
        this.runner = runner;
        this.tickets = tickets;
        this.shops = shops;
    }

    @GET
    public Uni<SyncStatus> status(@RestPath String shop) {
        return statuses.read(ShopDomains.normalize(shop));
    }

    /** One sync of the history: what started it, how it ended, and its receipt. */
    public record RunView(String runId, String mode, String trigger, String state, Instant startedAt, Instant finishedAt,
                          long customersSynced, long ordersSynced, long rowsQuarantined, String summary, String failureReason,
                          SyncStatus.Receipt receipt) {
    }

    /** {@code GET /api/shops/{shop}/sync/runs?page=0&size=20}: the shop's syncs, newest first, each with its receipt. */
    @GET
    @Path("/runs")
    public Uni<Response> runs(@RestPath String shop, @RestQuery @DefaultValue("0") int page, @RestQuery @DefaultValue("20") int size) {
        if (!PageOf.isValid(page, size)) {
            return Uni.createFrom().item(Response.status(400).entity(Map.of("error", "page must be >= 0 and size 1 to " + PageOf.MAX_SIZE)).build());
        }
        String shopDomain = ShopDomains.normalize(shop);
        return shops.knows(shopDomain).chain(known -> !known
                ? Uni.createFrom().item(Response.status(404).entity(Map.of("error", "unknown shop " + shopDomain)).build())
                : store.runs(shopDomain, page, size).chain(runs -> receipts.ofRuns(runs.stream().map(SyncRun::id).toList())
                        .chain(all -> store.runCount(shopDomain).map(total -> new PageOf<>(runs.stream().map(run -> new RunView(
                                run.id().toString(), run.mode(), run.trigger(), run.state().value(), run.startedAt(), run.finishedAt(),
                                run.customersSynced(), run.ordersSynced(), run.rowsQuarantined(), run.summary(), run.failureReason(),
                                SyncStatusReader.receipt(all.stream().filter(receipt -> receipt.runId().equals(run.id())).toList())))
                                .toList(), page, size, total))))
                .map(runs -> Response.ok(runs).build()));
    }

    /**
     * 201 {@code {"ticket", "expiresAt", "path"}}: opens {@code path} (the status WebSocket) for
     * {@code sync.status.ticket-lifetime}; 404 for a shop this CRM does not sync.
     */
    @POST
    @Path("/tickets")
    public Uni<Response> ticket(@RestPath String shop, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        String shopDomain = ShopDomains.normalize(shop);
        return shops.knows(shopDomain).map(known -> {
            if (!known) {
                return Response.status(404).entity(Map.of("error", "unknown shop " + shopDomain)).build();
            }
            // The authentication filter has admitted this header: it carries a configured token.
            String token = AdminApiAuthentication.bearerToken(authorization).orElseThrow();
            StatusTickets.Ticket ticket = tickets.issue(shopDomain, token, Instant.now());
            return Response.status(201).entity(Map.of("ticket", ticket.value(), "expiresAt", ticket.expiresAt().toString(),
                    "path", "/ws/shops/" + shopDomain + "/sync?ticket=" + ticket.value())).build();
        });
    }

    @POST
    public Uni<Response> syncNow(@RestPath String shop, @RestQuery String mode) {
        String shopDomain = ShopDomains.normalize(shop);
        if (mode != null && !mode.equals(SyncRun.FULL) && !mode.equals(SyncRun.INCREMENTAL)) {
            return Uni.createFrom().item(Response.status(400).entity(Map.of("error", "mode must be incremental or full")).build());
        }
        return runner.start(shopDomain, SyncRun.FULL.equals(mode), "manual").map(started -> started.run()
                        .map(run -> Response.accepted(Map.of("runId", run.id().toString(), "mode", run.mode(), "state", run.state().value())).build())
                        .orElseGet(() -> {
                            SyncRun running = started.alreadyRunning().orElseThrow();
                            return Response.status(409).entity(Map.of("error", "a sync of " + shopDomain + " is already running",
                                    "runId", running.id().toString(), "mode", running.mode(), "startedAt", running.startedAt().toString())).build();
                        }))
                .onFailure(SyncRunStore.UnknownShopException.class)
                .recoverWithItem(e -> Response.status(404).entity(Map.of("error", e.getMessage())).build())
                .onFailure(SyncRunStore.NotConnectedException.class)
                .recoverWithItem(e -> Response.status(409).entity(Map.of("error", e.getMessage())).build());
    }
}
