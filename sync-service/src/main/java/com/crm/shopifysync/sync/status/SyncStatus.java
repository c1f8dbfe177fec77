package com.crm.shopifysync.sync.status;

import java.time.Instant;
import java.util.List;

/**
 * Where a shop's sync stands, as {@code GET /api/shops/{shop}/sync} and the status WebSocket give it.
 *
 * @param state      idle, running, stale (no successful sync for {@code sync.status.stale-after}), error (the
 *                   latest sync failed for good) or disconnected (the app was uninstalled; since {@code disconnectedAt})
 * @param reason     why the state is stale or error, in words a merchant can read
 * @param progressAt when the running sync last committed rows
 * @param connection connected, reconnect (Shopify refused the shop's token: its merchant must connect it again), or
 *                   disconnected (uninstalled; and erased, once Shopify asked for it with shop/redact)
 * @param receipt    the latest sync's receipt: Shopify's counts next to the CRM's rows (null before the first)
 */
public record SyncStatus(String shop, String state, String reason, String phase, String mode, String runId,
                         Progress customers, Progress orders, Instant startedAt, Instant progressAt, Instant finishedAt,
                         Instant lastSuccessfulSyncAt, Instant cutoverAt, String summary, String failureReason,
                         long deadLetterCount, List<String> warnings, String connection, Receipt receipt,
                         Instant disconnectedAt) {

    public static final String IDLE = "idle";
    public static final String RUNNING = "running";
    public static final String STALE = "stale";
    public static final String ERROR = "error";
    public static final String DISCONNECTED = "disconnected";

    /** A sync's receipt: each resource's counts and explanations, and the rows left unexplained in all. */
    public record Receipt(String runId, Instant at, Counts customers, Counts orders, long unexplained) {
    }

    /**
     * One resource's side of a receipt.
     *
     * @param unexplained the CRM's rows beyond (positive) or short of (negative) what Shopify's count and the explanations make expected
     */
    public record Counts(long shopify, long crm, long softDeleted, long quarantined, long deadLettered, long outsideWindow,
                         long changedDuringSync, long unexplained) {
    }

    /** Rows of one entity synced by the run so far, of {@code total} (null until counted). */
    public record Progress(long synced, Long total) {
    }
}
