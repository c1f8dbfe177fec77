package com.crm.shopifysync.testing;

/** Reads samples out of a Prometheus text exposition ({@code /q/metrics}), exemplars ({@code # {trace_id=…} …}) aside. */
public final class PrometheusText {

    private PrometheusText() {
    }

    /** The sum of every sample whose line starts with {@code prefix} and contains {@code label} (may be empty). */
    public static double sum(String metrics, String prefix, String label) {
        return metrics.lines().filter(line -> line.startsWith(prefix) && line.contains(label))
                .mapToDouble(PrometheusText::value).sum();
    }

    /** The sample value of one line: the last field before any exemplar. */
    public static double value(String line) {
        int exemplar = line.indexOf(" # ");
        String sample = (exemplar < 0 ? line : line.substring(0, exemplar)).strip();
        return Double.parseDouble(sample.substring(sample.lastIndexOf(' ') + 1));
    }
}
