package com.crm.shopifysync.simulator;

/**
 * What goes wrong on purpose for one shop, set through the control API or by tests ({@code Faults.NONE.with…}). Each
 * one-shot fault is used up by the request it hits, so a client's retry or resume meets a healthy shop.
 *
 * @param bulkFailure        the next bulk operations fail with this error code (INTERNAL_SERVER_ERROR, TIMEOUT,
 *                           ACCESS_DENIED); the first two after {@code failAfterFraction} of the rows, keeping them
 *                           as partial data
 * @param bulkFailureCount   how many bulk operations in a row fail that way
 * @param failAfterFraction  how much of the export exists when it fails
 * @param cutDownloadAfterBytes the next download is cut after this many bytes (0: none)
 * @param stallDownloadAfterBytes the next download sends this many bytes, then nothing more while keeping the
 *                           connection open, as a stalled storage node does (0: none)
 * @param expireUrls         the next download finds its URL expired (the operation reads EXPIRED from then on)
 * @param responseDelayMillis every GraphQL response waits this long
 * @param http429Count       this many GraphQL requests answer HTTP 429 with a THROTTLED error
 * @param http5xxCount       this many GraphQL requests answer HTTP 503
 * @param lostRefreshResponses this many refresh grants are carried out (a new pair is minted) but their response is
 *                           lost: the connection closes without an answer, as when a network cuts after Shopify acted
 */
public record Faults(String bulkFailure, int bulkFailureCount, double failAfterFraction, long cutDownloadAfterBytes,
                     long stallDownloadAfterBytes, boolean expireUrls, long responseDelayMillis, int http429Count, int http5xxCount,
                     int lostRefreshResponses) {

    public static final Faults NONE = new Faults(null, 0, 0.5, 0, 0, false, 0, 0, 0, 0);

    /** The next bulk operation fails with {@code errorCode} once {@code afterFraction} of it is exported. */
    public Faults withBulkFailure(String errorCode, double afterFraction) {
        return withBulkFailures(errorCode, afterFraction, 1);
    }

    /** The next {@code count} bulk operations fail with {@code errorCode}. */
    public Faults withBulkFailures(String errorCode, double afterFraction, int count) {
        return new Faults(errorCode, count, afterFraction, cutDownloadAfterBytes, stallDownloadAfterBytes, expireUrls,
                responseDelayMillis, http429Count, http5xxCount, lostRefreshResponses);
    }

    public Faults withDownloadCutAfter(long bytes) {
        return new Faults(bulkFailure, bulkFailureCount, failAfterFraction, bytes, stallDownloadAfterBytes, expireUrls,
                responseDelayMillis, http429Count, http5xxCount, lostRefreshResponses);
    }

    public Faults withDownloadStallAfter(long bytes) {
        return new Faults(bulkFailure, bulkFailureCount, failAfterFraction, cutDownloadAfterBytes, bytes, expireUrls,
                responseDelayMillis, http429Count, http5xxCount, lostRefreshResponses);
    }

    public Faults withExpiredUrls(boolean expire) {
        return new Faults(bulkFailure, bulkFailureCount, failAfterFraction, cutDownloadAfterBytes, stallDownloadAfterBytes, expire,
                responseDelayMillis, http429Count, http5xxCount, lostRefreshResponses);
    }

    public Faults withResponseDelay(long millis) {
        return new Faults(bulkFailure, bulkFailureCount, failAfterFraction, cutDownloadAfterBytes, stallDownloadAfterBytes, expireUrls,
                millis, http429Count, http5xxCount, lostRefreshResponses);
    }

    public Faults withHttpFailures(int http429, int http5xx) {
        return new Faults(bulkFailure, bulkFailureCount, failAfterFraction, cutDownloadAfterBytes, stallDownloadAfterBytes, expireUrls,
                responseDelayMillis, http429, http5xx, lostRefreshResponses);
    }

    /** One bulk failure used up. */
    public Faults withBulkFailureUsed() {
        return bulkFailureCount > 1 ? withBulkFailures(bulkFailure, failAfterFraction, bulkFailureCount - 1)
                : withBulkFailures(null, failAfterFraction, 0);
    }

    public Faults withoutDownloadFaults() {
        return withDownloadCutAfter(0).withDownloadStallAfter(0);
    }

    public Faults withLostRefreshResponses(int count) {
        return new Faults(bulkFailure, bulkFailureCount, failAfterFraction, cutDownloadAfterBytes, stallDownloadAfterBytes, expireUrls,
                responseDelayMillis, http429Count, http5xxCount, count);
    }

    public Faults withLostRefreshResponseUsed() {
        return withLostRefreshResponses(lostRefreshResponses - 1);
    }

    public Faults withHttpFailuresUsed(int used429, int used5xx) {
        return withHttpFailures(http429Count - used429, http5xxCount - used5xx);
    }
}
