package com.crm.shopifysync.simulator;

/**
 * How fast Shopify exports a bulk query: objects a second (every line of the JSONL file, roots and their children, as
 * {@code objectCount} counts them), for each operation on its own: five operations running at once export five times
 * as much. Shopify publishes no figure; a benchmark picks one so that the time an export takes is Shopify's, not this
 * machine's.
 *
 * @param objectsPerSecond per operation; 0 for no limit (as fast as the simulator writes, what tests want)
 * @param groupedFactor    the share of that rate a {@code groupObjects: true} export gets. Shopify says grouping
 *                         "is costly" and slows operations down (and makes them more prone to time out), without a
 *                         figure: {@link #GROUPED_FACTOR}, half the rate, is our assumption
 */
public record ExportRate(double objectsPerSecond, double groupedFactor) {

    /** A grouped export runs at half the rate: an assumption, Shopify gives no number. */
    public static final double GROUPED_FACTOR = 0.5;
    public static final ExportRate UNLIMITED = new ExportRate(0, GROUPED_FACTOR);

    public ExportRate {
        if (!(objectsPerSecond >= 0) || Double.isInfinite(objectsPerSecond)) {
            throw new IllegalArgumentException("objects per second must be 0 (no limit) or positive: " + objectsPerSecond);
        }
        if (!(groupedFactor > 0 && groupedFactor <= 1)) {
            throw new IllegalArgumentException("the grouped factor must be above 0 and at most 1: " + groupedFactor);
        }
    }

    /** {@code objectsPerSecond} per operation, grouped exports at {@link #GROUPED_FACTOR} of it. */
    public static ExportRate of(double objectsPerSecond) {
        return new ExportRate(objectsPerSecond, GROUPED_FACTOR);
    }

    public boolean limited() {
        return objectsPerSecond > 0;
    }

    /** The rate of one operation, grouped or not (0: no limit). */
    public double objectsPerSecond(boolean grouped) {
        return grouped ? objectsPerSecond * groupedFactor : objectsPerSecond;
    }

    /** How long after its start an operation may have exported {@code objects} (0 without a limit). */
    public long nanosFor(long objects, boolean grouped) {
        return limited() ? (long) (objects * 1e9 / objectsPerSecond(grouped)) : 0;
    }
}
