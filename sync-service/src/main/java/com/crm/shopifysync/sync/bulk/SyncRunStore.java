package com.crm.shopifysync.sync.bulk;

import com.crm.shopifysync.sync.bulk.BulkQueries.Resource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

/**
 * Sync runs, their leases and their operations' checkpoints in PostgreSQL. The lease is what makes "one sync per
 * shop across all replicas" hold: a partial unique index allows one running run per shop, and a replica works on
 * a run only while its lease is current.
 */
@ApplicationScoped
public class SyncRunStore {

    /** A start refused because the shop already has a running sync. */
    public record Started(Optional<SyncRun> run, Optional<SyncRun> alreadyRunning) {
    }

    private final Pool pool;

    public SyncRunStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * A configured shop in the shops table (one its merchant connected since keeps its connection), with the SHA-256 of
     * its configured token. A configured shop disconnected by an uninstall, or erased after it, comes back (connected,
     * with a catch-up sync from its kept cursors) only once the configuration holds another token than the revoked one.
     */
    public Uni<Void> registerShop(String domain, String adminUrl, String apiVersion, String tokenSha256) {
        // Under the shop's lock (shared; an erasure holds it alone), each statement with its own snapshot: an erasure that
        // committed while this waited is seen, so an erased shop is never registered again with the token Shopify revoked.
        return pool.withTransaction(connection -> connection.preparedQuery("SELECT lock_shop($1, false)").execute(Tuple.of(domain))
                // erased before its revoked token was known (an uninstall before the first registration since V9):
                // the token configured now counts as the revoked one
                .chain(() -> connection.preparedQuery("UPDATE erased_shops SET revoked_token_sha256 = $2 WHERE shop_domain = $1 "
                        + "AND reconnected_at IS NULL AND revoked_token_sha256 IS NULL").execute(Tuple.of(domain, tokenSha256)))
                .chain(() -> connection.preparedQuery("UPDATE erased_shops SET reconnected_at = now() WHERE shop_domain = $1 "
                        + "AND reconnected_at IS NULL AND revoked_token_sha256 <> $2 RETURNING shop_domain").execute(Tuple.of(domain, tokenSha256)))
                .chain(() -> connection.preparedQuery("UPDATE shops SET revoked_token_sha256 = $2 WHERE shop_domain = $1 "
                        + "AND connection_state = 'disconnected' AND revoked_token_sha256 IS NULL").execute(Tuple.of(domain, tokenSha256)))
                .chain(() -> connection.preparedQuery("INSERT INTO shops (shop_domain, admin_url, api_version, configured_token_sha256, "
                                + "connected_at) SELECT $1, $2, $3, $4, now() WHERE NOT EXISTS (SELECT 1 FROM erased_shops e "
                                + "WHERE e.shop_domain = $1 AND e.reconnected_at IS NULL) "
                                + "ON CONFLICT (shop_domain) DO UPDATE SET admin_url = EXCLUDED.admin_url, api_version = EXCLUDED.api_version, "
                                + "configured_token_sha256 = EXCLUDED.configured_token_sha256, "
                                + "connection_state = CASE WHEN " + RECONNECTED + " THEN 'connected' ELSE shops.connection_state END, "
                                + "connected_at = CASE WHEN " + RECONNECTED + " THEN now() ELSE shops.connected_at END, "
                                + "disconnected_at = CASE WHEN " + RECONNECTED + " THEN NULL ELSE shops.disconnected_at END, "
                                + "catch_up_requested_at = CASE WHEN " + RECONNECTED + " THEN now() ELSE shops.catch_up_requested_at END, "
                                + "catch_up_reason = CASE WHEN " + RECONNECTED + " THEN 'reconnected with a new token' ELSE shops.catch_up_reason END "
                                + "WHERE shops.source = 'configured'")
                        .execute(Tuple.of(domain, adminUrl, apiVersion, tokenSha256))).replaceWithVoid());
    }

    /** A configured shop disconnected by an uninstall whose configuration now holds another token than the revoked one. */
    private static final String RECONNECTED = "(shops.connection_state = 'disconnected' AND shops.revoked_token_sha256 IS NOT NULL "
            + "AND shops.revoked_token_sha256 <> EXCLUDED.configured_token_sha256)";

    /**
     * The shops due a sync of their own accord: never synced (initial), due a full one (upgrade), asked for a catch-up,
     * or not synced for {@code reconcileEvery} (scheduled reconciliation), of those given; one reason each, in that
     * order. A shop whose merchant must reconnect it waits for that.
     */
    public Uni<java.util.List<Due>> due(java.util.List<String> shops, Duration reconcileEvery) {
        return pool.preparedQuery("SELECT s.shop_domain, CASE "
                        + "WHEN NOT EXISTS (SELECT 1 FROM sync_runs r WHERE r.shop_domain = s.shop_domain) THEN 'initial' "
                        + "WHEN s.full_sync_due THEN COALESCE(s.full_sync_reason, 'upgrade') "
                        + "WHEN s.catch_up_requested_at IS NOT NULL THEN 'catch-up' "
                        // since the latest run began or, if it ended, ended: a failed run resumed and failed again waits a whole interval
                        + "WHEN (SELECT max(COALESCE(r.finished_at, r.started_at)) FROM sync_runs r WHERE r.shop_domain = s.shop_domain) "
                        + "< now() - $2 * interval '1 millisecond' THEN 'scheduled' END AS reason, s.catch_up_requested_at "
                        + "FROM shops s WHERE s.shop_domain = ANY($1) AND s.connection_state = 'connected'")
                .execute(Tuple.of(shops.toArray(String[]::new), reconcileEvery.toMillis()))
                .map(rows -> {
                    java.util.List<Due> due = new java.util.ArrayList<>();
                    rows.forEach(row -> {
                        if (row.getString("reason") != null) {
                            due.add(new Due(row.getString("shop_domain"), row.getString("reason"),
                                    Optional.ofNullable(row.getOffsetDateTime("catch_up_requested_at"))));
                        }
                    });
                    return due;
                });
    }

    /** A shop due a sync, why (a run's trigger), and the catch-up request it serves, if any. */
    public record Due(String shop, String trigger, Optional<OffsetDateTime> catchUpRequestedAt) {

        /** A full sync is due (after an upgrade, or a receipt that found rows Shopify no longer has). */
        public boolean full() {
            return trigger.equals("upgrade") || trigger.equals("receipt");
        }
    }

    /** The shop gets a full sync by itself (a receipt found customers Shopify no longer has: only a full sync sweeps them). */
    public Uni<Void> fullSyncDue(String shop, String reason) {
        return pool.preparedQuery("UPDATE shops SET full_sync_due = true, full_sync_reason = $2 WHERE shop_domain = $1")
                .execute(Tuple.of(shop, reason)).replaceWithVoid();
    }

    /** Asks for a catch-up sync of the shop as soon as none runs. */
    public Uni<Void> requestCatchUp(String shop, String reason) {
        return pool.preparedQuery("UPDATE shops SET catch_up_requested_at = now(), catch_up_reason = $2 WHERE shop_domain = $1")
                .execute(Tuple.of(shop, reason)).replaceWithVoid();
    }

    /** The catch-up request a run was started for is served (one made since stays, for the next run). */
    public Uni<Void> catchUpServed(String shop, OffsetDateTime requestedAt) {
        return pool.preparedQuery("UPDATE shops SET catch_up_requested_at = NULL, catch_up_reason = NULL WHERE shop_domain = $1 "
                        + "AND catch_up_requested_at = $2")
                .execute(Tuple.of(shop, requestedAt)).replaceWithVoid();
    }

    /**
     * Starts a sync of the shop owned by {@code owner}: a failed sync is resumed from its checkpoints (unless a full
     * sync is asked for), otherwise a new run reads what changed since the shop's cursors minus {@code overlap}; a
     * shop that never completed a sync gets an initial one. Two replicas asked at once start it once: a resume takes
     * the run only while it is still failed, a new run is refused by the one-running-run-per-shop index.
     */
    public Uni<Started> start(String shop, boolean full, String trigger, String owner, Duration lease, Duration overlap) {
        return pool.preparedQuery("SELECT connection_state FROM shops WHERE shop_domain = $1").execute(Tuple.of(shop)).invoke(rows -> {
            if (rows.size() == 0) {
                throw new UnknownShopException(shop);
            }
            String state = rows.iterator().next().getString("connection_state");
            if (!"connected".equals(state)) {
                throw new NotConnectedException(shop, state);
            }
        }).chain(() -> pool.withTransaction(connection -> latest(connection, shop).chain(latest -> {
            if (latest.isPresent() && latest.get().state() == SyncRun.State.RUNNING) {
                return Uni.createFrom().item(new Started(Optional.empty(), latest));
            }
            if (!full && latest.isPresent() && latest.get().state() == SyncRun.State.FAILED) {
                return resume(connection, latest.get(), owner, lease);
            }
            return connection.preparedQuery("INSERT INTO sync_runs (id, shop_domain, mode, state, customers_since, orders_since, "
                            + "lease_owner, lease_expires_at, trigger) SELECT $1, s.shop_domain, "
                            + "CASE WHEN $2 THEN 'full' WHEN s.last_successful_sync_at IS NULL THEN 'initial' ELSE 'incremental' END, 'running', "
                            + "CASE WHEN $2 THEN NULL ELSE s.customers_cursor - $5 * interval '1 millisecond' END, "
                            + "CASE WHEN $2 THEN NULL ELSE s.orders_cursor - $5 * interval '1 millisecond' END, "
                            + "$3, now() + $4 * interval '1 millisecond', $7 FROM shops s WHERE s.shop_domain = $6 AND s.connection_state = 'connected' RETURNING " + SyncRun.COLUMNS)
                    .execute(Tuple.tuple().addUUID(UUID.randomUUID()).addBoolean(full).addString(owner).addLong(lease.toMillis())
                            .addLong(overlap.toMillis()).addString(shop).addString(trigger))
                    .map(rows -> {
                        if (rows.size() == 0) {
                            throw new NotConnectedException(shop, "disconnected");
                        }
                        return new Started(Optional.of(SyncRun.from(rows.iterator().next())), Optional.empty());
                    });
        }))).onFailure(SyncRunStore::isUniqueViolation).recoverWithUni(() -> running(shop)
                .map(running -> new Started(Optional.empty(), running)));
    }

    /**
     * Takes a failed run up again, only while it is still failed (another replica may have resumed it since it was
     * read); its exports get their replacement budget back, for the cause of their failures may be gone.
     */
    private Uni<Started> resume(SqlConnection connection, SyncRun failed, String owner, Duration lease) {
        return connection.preparedQuery("UPDATE sync_runs SET state = 'running', failure_reason = NULL, finished_at = NULL, "
                        + "lease_owner = $2, lease_expires_at = now() + $3 * interval '1 millisecond' WHERE id = $1 AND state = 'failed' "
                        + "AND EXISTS (SELECT 1 FROM shops s WHERE s.shop_domain = sync_runs.shop_domain AND s.connection_state = 'connected') "
                        + "RETURNING " + SyncRun.COLUMNS)
                .execute(Tuple.of(failed.id(), owner, lease.toMillis()))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(new Started(Optional.empty(), Optional.of(failed)));
                    }
                    SyncRun resumed = SyncRun.from(rows.iterator().next());
                    return connection.preparedQuery("UPDATE sync_operations SET restarts = 0 WHERE run_id = $1").execute(Tuple.of(failed.id()))
                            .map(ignored -> new Started(Optional.of(resumed), Optional.empty()));
                });
    }

    /** Takes over one running sync whose owner stopped renewing its lease (crashed, or released it on shutdown). */
    public Uni<Optional<SyncRun>> claimAbandoned(String owner, Duration lease) {
        return pool.preparedQuery("UPDATE sync_runs SET lease_owner = $1, lease_expires_at = now() + $2 * interval '1 millisecond' "
                        + "WHERE id = (SELECT id FROM sync_runs WHERE state = 'running' AND lease_expires_at < now() "
                        + "ORDER BY started_at LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING " + SyncRun.COLUMNS)
                .execute(Tuple.of(owner, lease.toMillis())).map(SyncRunStore::first);
    }

    /** Extends the lease; false when this replica no longer owns the run (another one took it over). */
    public Uni<Boolean> renew(UUID run, String owner, Duration lease) {
        return pool.preparedQuery("UPDATE sync_runs SET lease_expires_at = now() + $3 * interval '1 millisecond' "
                        + "WHERE id = $1 AND lease_owner = $2 AND state = 'running'")
                .execute(Tuple.of(run, owner, lease.toMillis())).map(rows -> rows.rowCount() == 1);
    }

    /** Lets another replica resume the run at once (graceful shutdown). */
    public Uni<Void> release(UUID run, String owner) {
        return pool.preparedQuery("UPDATE sync_runs SET lease_expires_at = now() - interval '1 second' "
                        + "WHERE id = $1 AND lease_owner = $2 AND state = 'running'")
                .execute(Tuple.of(run, owner)).replaceWithVoid();
    }

    public Uni<Optional<SyncRun>> running(String shop) {
        return pool.preparedQuery("SELECT " + SyncRun.COLUMNS + " FROM sync_runs WHERE shop_domain = $1 AND state = 'running'")
                .execute(Tuple.of(shop)).map(SyncRunStore::first);
    }

    /** A page of the shop's runs, newest first. */
    public Uni<java.util.List<SyncRun>> runs(String shop, int page, int size) {
        return pool.preparedQuery("SELECT " + SyncRun.COLUMNS + " FROM sync_runs WHERE shop_domain = $1 ORDER BY started_at DESC "
                        + "LIMIT $2 OFFSET $3")
                .execute(Tuple.of(shop, size, (long) page * size)).map(rows -> {
                    java.util.List<SyncRun> runs = new java.util.ArrayList<>();
                    rows.forEach(row -> runs.add(SyncRun.from(row)));
                    return runs;
                });
    }

    public Uni<Long> runCount(String shop) {
        return pool.preparedQuery("SELECT count(*) FROM sync_runs WHERE shop_domain = $1").execute(Tuple.of(shop))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    public Uni<Optional<SyncRun>> run(UUID id) {
        return pool.preparedQuery("SELECT " + SyncRun.COLUMNS + " FROM sync_runs WHERE id = $1").execute(Tuple.of(id))
                .map(SyncRunStore::first);
    }

    public Uni<Void> totals(UUID run, String owner, long customers, long orders, String[] scopes, boolean ordersLimited) {
        return pool.withTransaction(connection -> held(connection.preparedQuery(
                        "UPDATE sync_runs SET customers_total = $3, orders_total = $4 WHERE id = $1 AND " + OWNED)
                .execute(Tuple.of(run, owner, customers, orders)), run)
                .chain(() -> connection.preparedQuery("UPDATE shops SET access_scopes = $2, orders_limited_to_60_days = $3 "
                                + "WHERE shop_domain = (SELECT shop_domain FROM sync_runs WHERE id = $1)")
                        .execute(Tuple.of(run, scopes, ordersLimited)))
                .replaceWithVoid());
    }

    public Uni<Void> phase(UUID run, String owner, String phase) {
        return held(pool.preparedQuery("UPDATE sync_runs SET phase = $3 WHERE id = $1 AND " + OWNED).execute(Tuple.of(run, owner, phase)), run);
    }

    /** The run's operations, customers first, then each resource's slices in order. */
    public Uni<java.util.List<SyncOperation>> operations(UUID run) {
        return pool.preparedQuery("SELECT * FROM sync_operations WHERE run_id = $1 ORDER BY resource, slice").execute(Tuple.of(run))
                .map(rows -> {
                    java.util.List<SyncOperation> operations = new java.util.ArrayList<>();
                    rows.forEach(row -> operations.add(SyncOperation.from(row)));
                    return operations;
                });
    }

    /** A slice of a resource's export: its rows created in {@code [createdFrom, createdBefore)}, open where null. */
    public record PlannedSlice(Resource resource, int slice, Instant createdFrom, Instant createdBefore) {
    }

    /**
     * Records the slices of each resource the run has none of yet (a resume or a takeover finds the ones planned
     * first, with their checkpoints) and returns all of the run's operations.
     */
    public Uni<java.util.List<SyncOperation>> plan(UUID run, String owner, java.util.List<PlannedSlice> slices) {
        // One statement: its snapshot predates its own inserts, so every slice of a resource is planned or none. A run
        // this replica no longer holds gets nothing planned; its next write finds the lease gone.
        return pool.preparedQuery("INSERT INTO sync_operations (run_id, resource, slice, created_from, created_before) "
                                + "SELECT $1, p.resource, p.slice, p.created_from, p.created_before FROM unnest(CAST($3 AS text[]), "
                                + "CAST($4 AS integer[]), CAST($5 AS timestamptz[]), CAST($6 AS timestamptz[])) AS p(resource, slice, created_from, created_before) "
                                + "WHERE NOT EXISTS (SELECT 1 FROM sync_operations o WHERE o.run_id = $1 AND o.resource = p.resource) "
                                + "AND EXISTS (SELECT 1 FROM sync_runs WHERE id = $1 AND " + OWNED + ")")
                        .execute(Tuple.of(run, owner, slices.stream().map(s -> s.resource().field()).toArray(String[]::new),
                                slices.stream().map(PlannedSlice::slice).toArray(Integer[]::new),
                                slices.stream().map(s -> utc(s.createdFrom())).toArray(OffsetDateTime[]::new),
                                slices.stream().map(s -> utc(s.createdBefore())).toArray(OffsetDateTime[]::new)))
                .chain(() -> operations(run));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    /** One of the run's operations, as it stands. */
    public Uni<SyncOperation> operation(UUID run, SyncOperation.Key key) {
        return pool.preparedQuery("SELECT * FROM sync_operations WHERE run_id = $1 AND resource = $2 AND slice = $3")
                .execute(Tuple.of(run, key.resource().field(), key.slice()))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw new LeaseLostException(run);
                    }
                    return SyncOperation.from(rows.iterator().next());
                });
    }

    /** The operation {@code $3, $4} of the run {@code $1} held by {@code $2}. */
    private static final String OPERATION = "run_id = $1 AND resource = $3 AND slice = $4 AND ";

    /**
     * Records a new bulk operation of the run (its file starts at line 0, from the cursor the operation reached) and when
     * Shopify created it, by Shopify's clock: the first of a run's exports bounds what its full-sync sweep may delete.
     */
    public Uni<Void> operationStarted(UUID run, String owner, SyncOperation.Key key, String bulkOperationId, OffsetDateTime createdAt) {
        return held(pool.preparedQuery("UPDATE sync_operations SET bulk_operation_id = $5, status = 'CREATED', url = NULL, "
                        + "partial_data_url = NULL, lines_applied = 0, exported_from = cursor_updated_at, rows_at_export_start = rows_applied, export_created_at = $6, "
                        + "first_export_created_at = COALESCE(first_export_created_at, $6) WHERE " + OPERATION + RUN_OWNED)
                .execute(Tuple.of(run, owner, key.resource().field(), key.slice(), bulkOperationId, createdAt)), run);
    }

    public Uni<Void> operationStatus(UUID run, String owner, SyncOperation.Key key, String status, String url, String partialDataUrl) {
        return held(pool.preparedQuery("UPDATE sync_operations SET status = $5, url = $6, partial_data_url = $7 WHERE " + OPERATION + RUN_OWNED)
                .execute(Tuple.tuple().addUUID(run).addString(owner).addString(key.resource().field()).addInteger(key.slice())
                        .addString(status).addString(url).addString(partialDataUrl)), run);
    }

    /**
     * The operation's results are gone or failed: a replacement will export from the cursor. For a resource with children
     * that is the cursor the abandoned operation exported from: its applied part may hold an order whose later line items
     * (anywhere after it in ungrouped output) were in the part never applied, and only a new export of that order brings
     * them. The rows it applied then count again, so they are taken off the run's counters here.
     */
    public Uni<Void> operationAbandoned(UUID run, String owner, SyncOperation.Key key) {
        boolean again = key.resource().hasChildren();
        return pool.withTransaction(connection -> connection.preparedQuery("SELECT rows_applied - rows_at_export_start AS undone "
                        + "FROM sync_operations WHERE " + OPERATION + RUN_OWNED + " FOR UPDATE")
                .execute(Tuple.of(run, owner, key.resource().field(), key.slice()))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        throw new LeaseLostException(run);
                    }
                    long undone = again ? rows.iterator().next().getLong("undone") : 0;
                    // the operation's row is locked, then the run's, in a batch's order; a takeover waits for this transaction
                    return held(connection.preparedQuery("UPDATE sync_runs SET "
                                    + "customers_synced = customers_synced - CASE WHEN $3 = 'customers' THEN $4 ELSE 0 END, "
                                    + "orders_synced = orders_synced - CASE WHEN $3 = 'orders' THEN $4 ELSE 0 END WHERE id = $1 AND " + OWNED)
                                    .execute(Tuple.of(run, owner, key.resource().field(), undone)), run)
                            .chain(() -> held(connection.preparedQuery("UPDATE sync_operations SET bulk_operation_id = NULL, status = NULL, "
                                            + "url = NULL, partial_data_url = NULL, lines_applied = 0, restarts = restarts + 1, "
                                            + "cursor_updated_at = CASE WHEN $5 THEN exported_from ELSE cursor_updated_at END, "
                                            + "rows_applied = rows_applied - $6 WHERE " + OPERATION + RUN_OWNED)
                                    .execute(Tuple.of(run, owner, key.resource().field(), key.slice(), again, undone)), run));
                })).replaceWithVoid();
    }

    public Uni<Void> operationCompleted(UUID run, String owner, SyncOperation.Key key) {
        return held(pool.preparedQuery("UPDATE sync_operations SET completed = true WHERE " + OPERATION + RUN_OWNED)
                .execute(Tuple.of(run, owner, key.resource().field(), key.slice())), run);
    }

    /**
     * Ends a run successfully, once and only by the replica holding it: the shop's cursors move to the latest updated_at
     * applied, the first success sets the cutover (and marks older orders historical), and a full sync soft-deletes the
     * customers its export lacked (and restores those it had, if they were deleted before it started). The sweep keeps
     * every customer Shopify created after the run's first export began, by Shopify's clock: such a customer may be
     * missing from the export and still exist.
     *
     * @throws LeaseLostException when the run is not this replica's to end (ended already, or taken over)
     */
    public Uni<SyncRun> succeeded(UUID run, String owner, String summary) {
        return pool.withTransaction(connection -> connection.preparedQuery(
                        "UPDATE sync_runs SET state = 'succeeded', phase = 'done', finished_at = now(), summary = $3, lease_owner = NULL "
                                + "WHERE id = $1 AND " + OWNED + " RETURNING " + SyncRun.COLUMNS).execute(Tuple.of(run, owner, summary))
                .map(rows -> first(rows).orElseThrow(() -> new LeaseLostException(run)))
                .call(done -> connection.preparedQuery("UPDATE shops s SET "
                                + "customers_cursor = GREATEST(s.customers_cursor, " + cursorOf("customers") + "), "
                                + "orders_cursor = GREATEST(s.orders_cursor, " + cursorOf("orders") + "), "
                                + "sync_started_at = COALESCE(s.sync_started_at, $3), last_successful_sync_at = now(), "
                                + "full_sync_due = s.full_sync_due AND $4 <> 'full', "
                                + "full_sync_reason = CASE WHEN $4 = 'full' THEN NULL ELSE s.full_sync_reason END "
                                + "WHERE s.shop_domain = $2")
                        .execute(Tuple.of(run, done.shopDomain(), done.startedAt().atOffset(ZoneOffset.UTC), done.mode())))
                .call(done -> connection.preparedQuery("UPDATE orders SET historical = true WHERE shop_domain = $1 AND NOT historical "
                                + "AND shopify_created_at < (SELECT sync_started_at FROM shops WHERE shop_domain = $1)")
                        .execute(Tuple.of(done.shopDomain())))
                .call(done -> !done.mode().equals(SyncRun.FULL) ? Uni.createFrom().voidItem() : sweep(connection, done)));
    }

    /**
     * Where the next incremental sync of a resource reads from: the latest {@code updated_at} applied, but no later than
     * the earliest of its slices' exports began (Shopify's clock). A slice exported early has not seen a change made to
     * one of its rows while a later slice ran, and only a read from before that change finds it.
     */
    private static String cursorOf(String resource) {
        return "(SELECT LEAST(max(cursor_updated_at), min(export_created_at)) FROM sync_operations WHERE run_id = $1 AND resource = '"
                + resource + "')";
    }

    private static final String FIRST_CUSTOMERS_EXPORT = "(SELECT min(first_export_created_at) FROM sync_operations WHERE run_id = $1 "
            + "AND resource = 'customers')";

    private static Uni<Void> sweep(SqlConnection connection, SyncRun done) {
        return connection.preparedQuery("UPDATE customers c SET deleted_at = now(), last_synced_at = now() WHERE c.shop_domain = $2 "
                        + "AND c.deleted_at IS NULL AND c.shopify_created_at < " + FIRST_CUSTOMERS_EXPORT
                        + " AND NOT EXISTS (SELECT 1 FROM sync_seen_customers s WHERE s.run_id = $1 AND s.shopify_id = c.shopify_id)")
                .execute(Tuple.of(done.id(), done.shopDomain()))
                .chain(() -> connection.preparedQuery("UPDATE customers c SET deleted_at = NULL, last_synced_at = now() FROM sync_seen_customers s "
                                + "WHERE s.run_id = $1 AND c.shop_domain = $2 AND c.shopify_id = s.shopify_id AND c.deleted_at < "
                                + FIRST_CUSTOMERS_EXPORT)
                        .execute(Tuple.of(done.id(), done.shopDomain())))
                .chain(() -> connection.preparedQuery("DELETE FROM sync_seen_customers WHERE run_id = $1").execute(Tuple.of(done.id())))
                .replaceWithVoid();
    }

    /**
     * Ends a run as failed, with the reason the status shows; its checkpoints stay for the resume. Only the replica
     * holding the run ends it; for any other this changes nothing.
     */
    public Uni<Void> failed(UUID run, String owner, String reason) {
        return pool.preparedQuery("UPDATE sync_runs SET state = 'failed', finished_at = now(), failure_reason = $3, lease_owner = NULL "
                        + "WHERE id = $1 AND " + OWNED)
                .execute(Tuple.of(run, owner, reason)).replaceWithVoid();
    }

    /** A run's own row: still running and leased by {@code $2} (the run's id is {@code $1}). */
    private static final String OWNED = "state = 'running' AND lease_owner = $2";
    /** An operation's run ({@code $1}) is still running and leased by {@code $2}. */
    private static final String RUN_OWNED = "EXISTS (SELECT 1 FROM sync_runs WHERE id = $1 AND " + OWNED + ")";

    /** An update that only the run's holder may make: none made means the lease is gone. */
    private static Uni<Void> held(Uni<RowSet<Row>> update, UUID run) {
        return update.map(rows -> {
            if (rows.rowCount() == 0) {
                throw new LeaseLostException(run);
            }
            return null;
        });
    }

    private static Uni<Optional<SyncRun>> latest(SqlConnection connection, String shop) {
        return connection.preparedQuery("SELECT " + SyncRun.COLUMNS + " FROM sync_runs WHERE shop_domain = $1 ORDER BY started_at DESC LIMIT 1")
                .execute(Tuple.of(shop)).map(SyncRunStore::first);
    }

    private static Optional<SyncRun> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(SyncRun.from(rows.iterator().next()));
    }

    private static boolean isUniqueViolation(Throwable failure) {
        return failure instanceof PgException pg && "23505".equals(pg.getSqlState());
    }

    /** A sync was asked for a shop that is not configured. */
    public static class UnknownShopException extends RuntimeException {
        public UnknownShopException(String shop) {
            super("unknown shop " + shop);
        }
    }

    /** The shop is known but no sync may start: uninstalled (disconnected), or its token refused (reconnect). */
    public static class NotConnectedException extends RuntimeException {
        public NotConnectedException(String shop, String state) {
            super(shop + " is not connected (" + state + "): connect it again to sync");
        }
    }
}
