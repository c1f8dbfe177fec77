package com.crm.shopifysync.simulator;

/**
 * What goes wrong on purpose for one shop, set through the control API. Each one-shot fault is used up by the first
 * request it hits, so a client's retry or resume meets a healthy shop.
 *
 * @param bulkFailure        the next bulk operation fails with this error code (INTERNAL_SERVER_ERROR, TIMEOUT,
 *                           ACCESS_DENIED); the first two after {@code failAfterFraction} of the rows, keeping them
 *                           as partial data
 * @param failAfterFraction  how much of the export exists when it fails
 * @param cutDownloadAfterBytes the next download is cut after this many bytes (0: none)
 * @param expireUrls         the next download finds its URL expired (the operation reads EXPIRED from then on)
 * @param responseDelayMillis every GraphQL response waits this long
 * @param http429Count       this many GraphQL requests answer HTTP 429 with a THROTTLED error
 * @param http5xxCount       this many GraphQL requests answer HTTP 503
 */
public record Faults(String bulkFailure, double failAfterFraction, long cutDownloadAfterBytes, boolean expireUrls,
                     long responseDelayMillis, int http429Count, int http5xxCount) {

    public static final Faults NONE = new Faults(null, 0.5, 0, false, 0, 0, 0);

    public Faults withoutBulkFailure() {
        return new Faults(null, failAfterFraction, cutDownloadAfterBytes, expireUrls, responseDelayMillis, http429Count, http5xxCount);
    }

    public Faults withoutDownloadCut() {
        return new Faults(bulkFailure, failAfterFraction, 0, expireUrls, responseDelayMillis, http429Count, http5xxCount);
    }

    public Faults withoutUrlExpiry() {
        return new Faults(bulkFailure, failAfterFraction, cutDownloadAfterBytes, false, responseDelayMillis, http429Count, http5xxCount);
    }

    public Faults withHttpFailuresUsed(int used429, int used5xx) {
        return new Faults(bulkFailure, failAfterFraction, cutDownloadAfterBytes, expireUrls, responseDelayMillis,
                http429Count - used429, http5xxCount - used5xx);
    }
}
