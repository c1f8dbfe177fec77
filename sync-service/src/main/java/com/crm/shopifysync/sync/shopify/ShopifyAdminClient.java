package com.crm.shopifysync.sync.shopify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * One shop's GraphQL Admin API, called from a worker thread (it blocks). Every call is paced from the last
 * {@code throttleStatus} Shopify sent: when the bucket holds less than the call is expected to cost, it waits
 * about (cost − available) / restoreRate first. THROTTLED answers, HTTP 429 and 5xx and network errors are retried
 * with exponential backoff and jitter, a bounded number of times; then the call fails with the last reason. A 401 (the
 * access token expired or was revoked) is answered once with another token ({@link AdminApiAccess#afterRejection}).
 *
 * <p>Plain HTTP rather than a GraphQL client library: the call's HTTP status decides what happens next, and the
 * SmallRye client hid it (and failed to parse Shopify's 401 body, whose {@code errors} is a string, not a list).
 */
public final class ShopifyAdminClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final String shop;
    private final String url;
    private final AdminApiAccess access;
    private final Duration idleTimeout;
    private final int attempts;
    private final Duration backoff;
    private final Consumer<Duration> throttleWaits;
    private double available = Double.MAX_VALUE;
    private double restoreRate = 50;
    private long statusAtNanos = System.nanoTime();

    /**
     * @param adminUrl    the shop's base URL ({@code https://{shop}}, the simulator's locally)
     * @param idleTimeout a call whose connection stays silent this long fails as a network error (and is retried): a
     *                    Shopify that stops answering must not hold the sync forever
     */
    public ShopifyAdminClient(String shop, String adminUrl, String apiVersion, AdminApiAccess access, int attempts, Duration backoff,
                              Duration idleTimeout, Consumer<Duration> throttleWaits) {
        this.shop = shop;
        this.url = adminUrl + "/admin/api/" + apiVersion + "/graphql.json";
        this.access = access;
        this.idleTimeout = idleTimeout;
        this.attempts = attempts;
        this.backoff = backoff;
        this.throttleWaits = throttleWaits;
    }

    /** The response's data; GraphQL errors other than throttling fail the call at once (retrying cannot help). */
    public JsonObject call(String document, Map<String, Object> variables, int expectedCost) {
        String body;
        try {
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("query", document);
            request.put("variables", variables);
            body = JSON.writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("variables that are not JSON", e);
        }
        String lastFailure = "no attempt";
        String token = access.accessToken();
        boolean refusedOnce = false;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            pace(expectedCost);
            HttpResponse<String> response;
            try {
                response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(idleTimeout)
                        .header("Content-Type", "application/json").header("Accept", "application/json")
                        .header("X-Shopify-Access-Token", token).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                lastFailure = "network: " + e;
                Pause.sleep(backoff(attempt, Duration.ZERO));
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ShopifyCallFailed("interrupted", e);
            }
            int status = response.statusCode();
            if (status == 401 && !refusedOnce) {
                // Expired or revoked: once more, with a fresh token (a second refusal is final).
                refusedOnce = true;
                token = access.afterRejection(token);
                attempt--;
                continue;
            }
            if (status == 401 || status == 403) {
                throw new ShopifyCallFailed("Shopify refused the access token of " + shop + " (HTTP " + status + ")", true);
            }
            if (status == 429 || status >= 500) {
                lastFailure = "HTTP " + status;
                Pause.sleep(backoff(attempt, status == 429 ? Duration.ofSeconds(1) : Duration.ZERO));
                continue;
            }
            JsonObject answer;
            try {
                answer = Json.createReader(new StringReader(response.body())).readObject();
            } catch (JsonException e) {
                lastFailure = "HTTP " + status + " without a JSON object";
                Pause.sleep(backoff(attempt, Duration.ZERO));
                continue;
            }
            Optional<Double> requested = readThrottleStatus(answer);
            JsonArray errors = answer.get("errors") instanceof JsonArray list ? list : null;
            if (errors != null && !errors.isEmpty()) {
                if (errors.stream().anyMatch(ShopifyAdminClient::isThrottled)) {
                    lastFailure = "THROTTLED";
                    Duration wait = refillTime(requested.orElse((double) expectedCost));
                    throttleWaits.accept(wait);
                    Pause.sleep(wait.plus(backoff(attempt, Duration.ZERO)));
                    continue;
                }
                JsonObject error = errors.getJsonObject(0);
                String code = error.getJsonObject("extensions") == null ? null : text(error.getJsonObject("extensions"), "code");
                throw new ShopifyCallFailed("Shopify answered " + shop + " with an error: " + text(error, "message")
                        + (code == null ? "" : " (" + code + ")"), true);
            }
            if (status != 200 || !(answer.get("data") instanceof JsonObject data)) {
                throw new ShopifyCallFailed("Shopify answered " + shop + " with HTTP " + status + ": " + firstLine(response.body()), true);
            }
            return data;
        }
        throw new ShopifyCallFailed("Shopify did not answer " + shop + " after " + attempts + " attempts; last: " + lastFailure, false);
    }

    /** Shopify marks throttling with extensions.code THROTTLED, and older versions with the message alone. */
    private static boolean isThrottled(JsonValue value) {
        if (!(value instanceof JsonObject error)) {
            return false;
        }
        JsonObject extensions = error.get("extensions") instanceof JsonObject object ? object : null;
        return (extensions != null && "THROTTLED".equals(text(extensions, "code")))
                || "Throttled".equalsIgnoreCase(String.valueOf(text(error, "message")).strip());
    }

    private static String text(JsonObject object, String name) {
        return object.get(name) instanceof JsonString string ? string.getString() : null;
    }

    private synchronized Optional<Double> readThrottleStatus(JsonObject answer) {
        if (!(answer.get("extensions") instanceof JsonObject extensions)) {
            return Optional.empty();
        }
        JsonObject cost = extensions.get("cost") instanceof JsonObject object ? object : null;
        if (cost == null) {
            return Optional.empty();
        }
        JsonObject status = cost.getJsonObject("throttleStatus");
        if (status != null) {
            available = number(status, "currentlyAvailable").orElse(available);
            restoreRate = number(status, "restoreRate").filter(rate -> rate > 0).orElse(restoreRate);
            statusAtNanos = System.nanoTime();
        }
        return number(cost, "requestedQueryCost");
    }

    /** Waits until the bucket, refilling since Shopify's last report, should hold {@code cost}. */
    private void pace(int cost) {
        Duration wait;
        synchronized (this) {
            double refilled = available == Double.MAX_VALUE ? available
                    : available + (System.nanoTime() - statusAtNanos) / 1e9 * restoreRate;
            wait = refilled >= cost ? Duration.ZERO : Duration.ofMillis((long) Math.ceil((cost - refilled) / restoreRate * 1000));
        }
        if (!wait.isZero()) {
            throttleWaits.accept(wait);
            Pause.sleep(wait);
        }
    }

    private synchronized Duration refillTime(double requested) {
        return Duration.ofMillis((long) Math.ceil(Math.max(0, requested - available) / restoreRate * 1000));
    }

    private Duration backoff(int attempt, Duration atLeast) {
        long exponential = backoff.toMillis() << Math.min(attempt - 1, 6);
        long jittered = exponential / 2 + ThreadLocalRandom.current().nextLong(exponential / 2 + 1);
        return Duration.ofMillis(Math.max(jittered, atLeast.toMillis()));
    }

    private static Optional<Double> number(JsonObject object, String name) {
        JsonValue value = object.get(name);
        return value instanceof JsonNumber number ? Optional.of(number.doubleValue()) : Optional.empty();
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    /** Nothing to release: the HTTP client is shared. */
    @Override
    public void close() {
    }
}
