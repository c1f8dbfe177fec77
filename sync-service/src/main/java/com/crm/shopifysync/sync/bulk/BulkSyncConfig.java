package com.crm.shopifysync.sync.bulk;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How bulk syncs run: batch size, polling, leases, retries (see application.properties for why each default). */
@ConfigMapping(prefix = "sync.bulk")
public interface BulkSyncConfig {

    /**
     * Lines of a bulk file applied per transaction (and per checkpoint): a batch ends before the first root line past
     * this or {@link #batchBytes()}; a run of child lines (an order's line items) ends it at twice either.
     */
    @WithDefault("2000")
    int batchLines();

    /**
     * Bytes of the bulk file a batch holds before it ends, as for {@link #batchLines()}: what bounds the import's memory,
     * whatever the size of the shop's lines. A number with an optional unit: {@code 512K}, {@code 1M}.
     */
    @WithDefault("1M")
    MemorySize batchBytes();

    /** First wait between polls of a running bulk operation; it doubles up to {@link #pollMaximum()}. */
    @WithDefault("1s")
    Duration pollInitial();

    @WithDefault("15s")
    Duration pollMaximum();

    /** How long a replica owns a running sync without renewing; after it, another replica resumes the sync. */
    @WithDefault("30s")
    Duration lease();

    /** Incremental syncs read from the cursor minus this, for clock skew and changes committed late in Shopify. */
    @WithDefault("5m")
    Duration overlap();

    /** Attempts of one GraphQL call (throttling, HTTP 429/5xx, network) before the sync fails, resumably. */
    @WithDefault("8")
    int callAttempts();

    @WithDefault("500ms")
    Duration retryBackoff();

    /** A bulk file's download that delivers no byte for this long is given up and continued from its checkpoint. */
    @WithDefault("60s")
    Duration downloadIdleTimeout();

    /** A GraphQL call whose connection stays silent this long fails (and is retried like a network error). */
    @WithDefault("60s")
    Duration callIdleTimeout();

    /** Downloads of one file that may break before the sync fails, resumably. */
    @WithDefault("5")
    int downloadAttempts();

    /** Replacement bulk operations per resource and run (after failures or expired results) before the sync fails. */
    @WithDefault("3")
    int restarts();

    /** How often each replica looks for syncs whose lease expired (to resume them). */
    @WithDefault("5s")
    Duration takeoverCheck();

    /** How often configured shops are registered and, if never synced, given their initial sync. */
    @WithDefault("30s")
    Duration initialSyncCheck();

    /** Start a shop's first sync by itself; off, the first sync waits for Sync Now (the shop shows as stale until then). */
    @WithDefault("true")
    boolean initialSyncOnStart();

    /**
     * A receipt compares Shopify's count with the CRM's rows up to this many times while they differ, {@link #receiptSettle()}
     * apart: webhooks in flight settle a difference that is only a moment old.
     */
    @WithDefault("3")
    int receiptAttempts();

    @WithDefault("5s")
    Duration receiptSettle();

    /**
     * Ask Shopify to keep children after their parent. Off by default, as Shopify advises since 2026-01: grouping is
     * slower and more prone to timeouts, and the import assembles children wherever they are (an abandoned orders export
     * is exported again from where it started, so no order keeps part of its line items).
     */
    @WithDefault("false")
    boolean groupObjects();

    /**
     * Bulk operations one app may run at once on a shop (Shopify: five since API 2026-01; one before, whatever this
     * says). Customers and order slices are exported concurrently up to this many.
     */
    @WithDefault("5")
    int concurrentExports();

    /** An orders export is cut into created_at slices of about this many orders at least (0: never cut). */
    @WithDefault("20000")
    int sliceOrders();
}
