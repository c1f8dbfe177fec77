package com.crm.shopifysync.simulator;

/**
 * Shopify's GraphQL rate limit for one app and shop: a bucket of cost points that drains by each request's cost
 * and refills at {@code restoreRate} points per second up to {@code maximumAvailable}.
 */
public final class LeakyBucket {

    public record Status(double maximumAvailable, double currentlyAvailable, double restoreRate) {
    }

    private double maximumAvailable;
    private double restoreRate;
    private double available;
    private long lastRefillNanos = System.nanoTime();

    public LeakyBucket(double maximumAvailable, double restoreRate) {
        this.maximumAvailable = maximumAvailable;
        this.restoreRate = restoreRate;
        this.available = maximumAvailable;
    }

    /** Takes {@code cost} points if that many are available; either way returns the status after the attempt. */
    public synchronized boolean tryTake(int cost) {
        refill();
        if (cost > available) {
            return false;
        }
        available -= cost;
        return true;
    }

    public synchronized Status status() {
        refill();
        return new Status(maximumAvailable, Math.floor(available), restoreRate);
    }

    /** Harder (or softer) throttling from now on; the bucket starts full. */
    public synchronized void reconfigure(double maximumAvailable, double restoreRate) {
        this.maximumAvailable = maximumAvailable;
        this.restoreRate = restoreRate;
        this.available = maximumAvailable;
        this.lastRefillNanos = System.nanoTime();
    }

    private void refill() {
        long now = System.nanoTime();
        available = Math.min(maximumAvailable, available + (now - lastRefillNanos) / 1e9 * restoreRate);
        lastRefillNanos = now;
    }
}
