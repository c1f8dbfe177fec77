package com.crm.shopifysync.sync.shopify;

import java.time.Duration;

/** Waiting on a bulk sync's worker thread (backoff, polling, pacing); an interrupt (shutdown) ends the sync's work. */
public final class Pause {

    private Pause() {
    }

    public static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShopifyCallFailed("interrupted", e);
        }
    }
}
