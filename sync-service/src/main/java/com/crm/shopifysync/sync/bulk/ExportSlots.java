package com.crm.shopifysync.sync.bulk;

import com.crm.shopifysync.sync.shopify.ShopifyCallFailed;
import java.time.Duration;

/**
 * A run's bulk operations in flight on Shopify. Shopify refuses a new one while the shop's slots are taken; when this
 * run holds some of them, the refused export waits for one of its own to end rather than count failed attempts.
 */
final class ExportSlots {

    private int inFlight;
    private long ended;

    synchronized void started() {
        inFlight++;
    }

    synchronized void ended() {
        inFlight--;
        ended++;
        notifyAll();
    }

    /**
     * Waits until one of this run's operations ends (or {@code atMost} passes, in case Shopify frees a slot another way);
     * false at once when none is in flight: then the slots are another app's or sync's.
     */
    synchronized boolean awaitOneEnded(Duration atMost) {
        if (inFlight == 0) {
            return false;
        }
        long seen = ended;
        long deadline = System.nanoTime() + atMost.toNanos();
        try {
            while (ended == seen && inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                wait(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShopifyCallFailed("interrupted", e);
        }
        return true;
    }
}
