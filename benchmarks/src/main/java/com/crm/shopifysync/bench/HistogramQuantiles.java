package com.crm.shopifysync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Percentiles of a Prometheus histogram over a window: the difference of two {@code /q/metrics} scrapes, taken before
 * and after the window, interpolated within a bucket as Prometheus' {@code histogram_quantile} does.
 *
 * <p>Usage: {@code HistogramQuantiles <before.txt> <after.txt> <histogram name, e.g. sync_webhook_latency_seconds>}
 */
public final class HistogramQuantiles {

    public static void main(String[] args) throws IOException {
        String name = args[2];
        Map<Double, Double> before = buckets(Path.of(args[0]), name);
        Map<Double, Double> after = buckets(Path.of(args[1]), name);
        TreeMap<Double, Double> window = new TreeMap<>();
        after.forEach((le, count) -> window.put(le, count - before.getOrDefault(le, 0.0)));
        double total = window.isEmpty() ? 0 : window.lastEntry().getValue();
        if (total <= 0) {
            System.out.println(name + ": nothing recorded in the window");
            return;
        }
        System.out.printf("%s over the window: %,.0f events, p50 %s, p90 %s, p99 %s, p99.9 %s%n", name, total,
                millis(quantile(window, total, 0.50)), millis(quantile(window, total, 0.90)), millis(quantile(window, total, 0.99)),
                millis(quantile(window, total, 0.999)));
    }

    private static String millis(double seconds) {
        return Double.isInfinite(seconds) ? "> largest bucket" : String.format("%.1f ms", seconds * 1000);
    }

    private static double quantile(TreeMap<Double, Double> cumulative, double total, double q) {
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
            if (bucket.getValue() >= rank) {
                if (Double.isInfinite(bucket.getKey())) {
                    return Double.POSITIVE_INFINITY;
                }
                double inBucket = bucket.getValue() - lowerCount;
                return inBucket <= 0 ? bucket.getKey() : lowerBound + (bucket.getKey() - lowerBound) * (rank - lowerCount) / inBucket;
            }
            lowerBound = bucket.getKey();
            lowerCount = bucket.getValue();
        }
        return Double.POSITIVE_INFINITY;
    }

    /** Cumulative count per upper bound ({@code le}), summed over every series of the histogram. */
    private static Map<Double, Double> buckets(Path scrape, String name) throws IOException {
        Map<Double, Double> buckets = new TreeMap<>();
        for (String line : Files.readAllLines(scrape)) {
            if (!line.startsWith(name + "_bucket{")) {
                continue;
            }
            int le = line.indexOf("le=\"") + 4;
            String bound = line.substring(le, line.indexOf('"', le));
            double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
            int exemplar = line.indexOf(" # ");
            String sample = (exemplar < 0 ? line : line.substring(0, exemplar)).strip();
            buckets.merge(upper, Double.parseDouble(sample.substring(sample.lastIndexOf(' ') + 1)), Double::sum);
        }
        return buckets;
    }
}
