package com.crm.shopifysync.bench;

import com.crm.shopifysync.model.WebhookSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load at a fixed rate: each request has an intended send time, and its latency counts from
 * that time, so a stalled server is not hidden by a client that waits for it (coordinated omission).
 *
 * <p>Usage: {@code FixedRateLoad <url> <secret> <requests per second> <seconds> [body bytes]}
 */
public final class FixedRateLoad {

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        String secret = args[1];
        int rate = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int size = args.length > 4 ? Integer.parseInt(args[4]) : 3072;

        List<byte[]> bodies = new ArrayList<>();
        List<String> signatures = new ArrayList<>();
        Instant base = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 500; i++) {
            byte[] body = Bodies.customer(2_000_000L + i, base.plusSeconds(i), size).getBytes(StandardCharsets.UTF_8);
            bodies.add(body);
            signatures.add(WebhookSignature.sign(secret, body));
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger failures = new AtomicInteger();
        List<CompletableFuture<?>> inFlight = Collections.synchronizedList(new ArrayList<>());
        long total = (long) rate * seconds;
        long intervalNanos = 1_000_000_000L / rate;
        long start = System.nanoTime() + 50_000_000L;
        for (long i = 0; i < total; i++) {
            long intended = start + i * intervalNanos;
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int pick = (int) (i % bodies.size());
            String id = "load-" + start + "-" + i;
            HttpRequest request = HttpRequest.newBuilder(url)
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header("X-Shopify-Topic", "customers/update")
                    .header("X-Shopify-Shop-Domain", "bench.myshopify.com")
                    .header("X-Shopify-Webhook-Id", id)
                    .header("X-Shopify-Event-Id", id)
                    .header("X-Shopify-API-Version", "2026-01")
                    .header("X-Shopify-Hmac-Sha256", signatures.get(pick))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(pick)))
                    .build();
            inFlight.add(client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                if (error != null || response.statusCode() != 200) {
                    failures.incrementAndGet();
                } else {
                    latencies.add(System.nanoTime() - intended);
                }
            }));
        }
        long sendingEnded = System.nanoTime();
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        double achieved = total / ((sendingEnded - start) / 1e9);

        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf("fixed-rate load: %d req/s wanted, %.0f req/s sent, %d requests, %d non-200 or failed%n",
                rate, achieved, total, failures.get());
        System.out.printf("latency from intended send: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n",
                percentile(sorted, 0.50), percentile(sorted, 0.90), percentile(sorted, 0.99), percentile(sorted, 0.999),
                sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1) / 1e6);
    }

    private static double percentile(List<Long> sorted, double quantile) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.min(sorted.size() - 1, Math.ceil(quantile * sorted.size()) - 1);
        return sorted.get(Math.max(0, index)) / 1e6;
    }
}
