package com.crm.shopifysync.sync.bulk;

import io.smallrye.graphql.client.GraphQLError;
import io.smallrye.graphql.client.InvalidResponseException;
import io.smallrye.graphql.client.Response;
import io.smallrye.graphql.client.dynamic.api.DynamicGraphQLClient;
import io.smallrye.graphql.client.dynamic.api.DynamicGraphQLClientBuilder;
import io.smallrye.graphql.client.vertx.dynamic.VertxDynamicGraphQLClientBuilder;
import io.vertx.ext.web.client.WebClientOptions;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * One shop's GraphQL Admin API, called from a worker thread (it blocks). Every call is paced from the last
 * {@code throttleStatus} Shopify sent: when the bucket holds less than the call is expected to cost, it waits
 * about (cost − available) / restoreRate first. THROTTLED answers, HTTP 429 and 5xx and network errors are retried
 * with exponential backoff and jitter, a bounded number of times; then the call fails with the last reason.
 */
public final class ShopifyAdminClient implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ShopifyAdminClient.class);
    private static final Pattern HTTP_STATUS = Pattern.compile("status code (\\d{3})|\\b(\\d{3})\\b");

    private final String shop;
    private final DynamicGraphQLClient client;
    private final int attempts;
    private final Duration backoff;
    private final Consumer<Duration> throttleWaits;
    private double available = Double.MAX_VALUE;
    private double restoreRate = 50;
    private long statusAtNanos = System.nanoTime();

    /**
     * @param idleTimeout a call whose connection stays silent this long fails as a network error (and is retried): a
     *                    Shopify that stops answering must not hold the sync forever
     */
    public ShopifyAdminClient(String shop, String adminUrl, String apiVersion, String accessToken, int attempts, Duration backoff,
                              Duration idleTimeout, Consumer<Duration> throttleWaits) {
        this.shop = shop;
        DynamicGraphQLClientBuilder builder = DynamicGraphQLClientBuilder.newBuilder()
                .url(adminUrl + "/admin/api/" + apiVersion + "/graphql.json")
                .header("X-Shopify-Access-Token", accessToken);
        if (builder instanceof VertxDynamicGraphQLClientBuilder vertx) {
            vertx.options(new WebClientOptions().setConnectTimeout(10_000)
                    .setIdleTimeout((int) idleTimeout.toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
        }
        this.client = builder.build();
        this.attempts = attempts;
        this.backoff = backoff;
        this.throttleWaits = throttleWaits;
    }

    /** The response's data; GraphQL errors other than throttling fail the call at once (retrying cannot help). */
    public JsonObject call(String document, Map<String, Object> variables, int expectedCost) {
        String lastFailure = "no attempt";
        for (int attempt = 1; attempt <= attempts; attempt++) {
            pace(expectedCost);
            Response response;
            try {
                response = client.executeSync(document, variables);
            } catch (InvalidResponseException e) {
                int status = httpStatus(e.getMessage());
                if (status == 401 || status == 403) {
                    throw new ShopifyCallFailed("Shopify refused the access token of " + shop + " (HTTP " + status + ")", true);
                }
                lastFailure = "HTTP " + (status == 0 ? "error" : status) + ": " + firstLine(e.getMessage());
                Pause.sleep(backoff(attempt, status == 429 ? Duration.ofSeconds(1) : Duration.ZERO));
                continue;
            } catch (ExecutionException e) {
                lastFailure = "network: " + e.getCause();
                Pause.sleep(backoff(attempt, Duration.ZERO));
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ShopifyCallFailed("interrupted", e);
            } catch (RuntimeException e) {
                lastFailure = "network: " + e;
                Pause.sleep(backoff(attempt, Duration.ZERO));
                continue;
            }
            Optional<Double> requested = readThrottleStatus(response);
            if (response.hasError()) {
                if (response.getErrors().stream().anyMatch(ShopifyAdminClient::isThrottled)) {
                    lastFailure = "THROTTLED";
                    Duration wait = refillTime(requested.orElse((double) expectedCost));
                    throttleWaits.accept(wait);
                    Pause.sleep(wait.plus(backoff(attempt, Duration.ZERO)));
                    continue;
                }
                GraphQLError error = response.getErrors().get(0);
                throw new ShopifyCallFailed("Shopify answered " + shop + " with an error: " + error.getMessage()
                        + Optional.ofNullable(error.getCode()).map(code -> " (" + code + ")").orElse(""), true);
            }
            return response.getData();
        }
        throw new ShopifyCallFailed("Shopify did not answer " + shop + " after " + attempts + " attempts; last: " + lastFailure, false);
    }

    /** Shopify marks throttling with extensions.code THROTTLED, and older versions with the message alone. */
    private static boolean isThrottled(GraphQLError error) {
        return "THROTTLED".equals(error.getCode()) || "Throttled".equalsIgnoreCase(String.valueOf(error.getMessage()).strip());
    }

    private synchronized Optional<Double> readThrottleStatus(Response response) {
        if (!response.hasExtensions()) {
            return Optional.empty();
        }
        JsonObject cost = response.getExtensions().getJsonObject("cost");
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

    private static int httpStatus(String message) {
        if (message == null) {
            return 0;
        }
        Matcher matcher = HTTP_STATUS.matcher(message);
        while (matcher.find()) {
            String code = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
            int status = Integer.parseInt(code);
            if (status >= 400 && status < 600) {
                return status;
            }
        }
        return 0;
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            LOG.debugf(e, "closing the GraphQL client of %s", shop);
        }
    }
}
