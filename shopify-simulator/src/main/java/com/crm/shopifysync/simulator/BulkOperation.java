package com.crm.shopifysync.simulator;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One bulk query operation and where it stands; its status moves CREATED → RUNNING → a final status. */
public final class BulkOperation {

    public static final String CREATED = "CREATED";
    public static final String RUNNING = "RUNNING";
    public static final String COMPLETED = "COMPLETED";
    public static final String FAILED = "FAILED";
    public static final String CANCELING = "CANCELING";
    public static final String CANCELED = "CANCELED";
    public static final String EXPIRED = "EXPIRED";

    private final long id;
    private final SimulatedShop shop;
    private final String query;
    private final boolean groupObjects;
    private final Instant createdAt;
    private final long createdAtMillis = System.currentTimeMillis();
    private String status = CREATED;
    private String errorCode;
    private Instant completedAt;
    private long objectCount;
    private long rootObjectCount;
    private Long fileSize;
    private Path file;
    private boolean partial;
    /** When it started exporting and when it ended, by this machine's clock (the control API's timeline). */
    private Instant startedAt;
    private Instant endedAt;
    private boolean cancelRequested;

    BulkOperation(long id, SimulatedShop shop, String query, boolean groupObjects, Instant createdAt) {
        this.id = id;
        this.shop = shop;
        this.query = query;
        this.groupObjects = groupObjects;
        this.createdAt = createdAt;
    }

    public long id() {
        return id;
    }

    public String gid() {
        return Shapes.gid("BulkOperation", id);
    }

    public SimulatedShop shop() {
        return shop;
    }

    public String query() {
        return query;
    }

    public boolean groupObjects() {
        return groupObjects;
    }

    public synchronized String status() {
        return status;
    }

    public synchronized boolean isFinished() {
        return !status.equals(CREATED) && !status.equals(RUNNING) && !status.equals(CANCELING);
    }

    synchronized void running() {
        startedAt = Instant.now();
        status = RUNNING;
    }

    synchronized void progress(long objects, long roots) {
        objectCount += objects;
        rootObjectCount += roots;
    }

    synchronized void completed(Path file, long size, Instant at) {
        this.file = file;
        this.fileSize = size;
        this.completedAt = at;
        this.endedAt = Instant.now();
        this.status = COMPLETED;
    }

    /** Failed with an error code; a file of what was exported so far becomes its partial data, if there is one. */
    synchronized void failed(String errorCode, Path partialFile, long size, Instant at) {
        this.errorCode = errorCode;
        this.file = partialFile;
        this.partial = partialFile != null;
        this.fileSize = partialFile == null ? null : size;
        this.completedAt = at;
        this.endedAt = Instant.now();
        this.status = FAILED;
    }

    synchronized void requestCancel() {
        if (!isFinished()) {
            cancelRequested = true;
            status = CANCELING;
            notifyAll();
        }
    }

    synchronized boolean cancelRequested() {
        return cancelRequested;
    }

    /**
     * Waits until {@code deadlineNanos} ({@link System#nanoTime()}), the export's pace; returns early, true, as soon
     * as a cancel is requested (false when the time came).
     */
    synchronized boolean awaitCancelUntil(long deadlineNanos) throws InterruptedException {
        while (!cancelRequested) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    synchronized void canceled(Instant at) {
        status = CANCELED;
        completedAt = at;
        endedAt = Instant.now();
    }

    synchronized void expired() {
        if (file != null) {
            status = EXPIRED;
        }
    }

    public synchronized Path file() {
        return file;
    }

    /**
     * The operation on the simulator's timeline (control API): status, counts, grouping, and when it was created,
     * started exporting and ended, in milliseconds of this machine's clock (null: not yet).
     */
    public synchronized Map<String, Object> timeline() {
        Map<String, Object> timeline = new java.util.LinkedHashMap<>();
        timeline.put("id", gid());
        timeline.put("status", status);
        timeline.put("groupObjects", groupObjects);
        timeline.put("objectCount", objectCount);
        timeline.put("rootObjectCount", rootObjectCount);
        timeline.put("createdAt", createdAtMillis);
        timeline.put("startedAt", startedAt == null ? null : startedAt.toEpochMilli());
        timeline.put("endedAt", endedAt == null ? null : endedAt.toEpochMilli());
        timeline.put("query", query);
        return timeline;
    }

    /** The BulkOperation object as GraphQL returns it, with its signed download URL if it has data. */
    public synchronized Map<String, Object> graphQl(String url) {
        boolean hasData = file != null && !status.equals(EXPIRED);
        return Shapes.map("__typename", "BulkOperation", "id", gid(), "type", "QUERY", "query", query, "status", status,
                "errorCode", errorCode, "createdAt", Shapes.utc(createdAt), "completedAt", Shapes.utc(completedAt),
                "objectCount", Long.toString(objectCount), "rootObjectCount", Long.toString(rootObjectCount),
                "fileSize", fileSize == null ? null : Long.toString(fileSize),
                "url", hasData && !partial ? url : null, "partialDataUrl", hasData && partial ? url : null);
    }
}
