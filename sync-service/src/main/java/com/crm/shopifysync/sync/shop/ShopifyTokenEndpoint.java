package com.crm.shopifysync.sync.shop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A shop's {@code /admin/oauth/access_token}: the authorization code exchanged for an expiring offline token, and a
 * refresh token exchanged for the next pair. Blocking (a worker thread's): these calls are rare and short.
 */
@jakarta.enterprise.context.ApplicationScoped
public class ShopifyTokenEndpoint {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** A token pair as Shopify granted it; the refresh token and expiries are absent for a non-expiring token. */
    public record Grant(String accessToken, Optional<Instant> accessTokenExpiresAt, Optional<String> refreshToken,
                        Optional<Instant> refreshTokenExpiresAt, List<String> scopes) {

        @Override
        public String toString() {
            return "Grant[scopes=" + scopes + ", expires=" + accessTokenExpiresAt.orElse(null) + "]";
        }
    }

    /**
     * Shopify refused the request: retrying the same cannot help. Only {@code invalid_grant} says the grant itself is gone
     * (revoked, expired): then only the merchant can grant a new one. Anything else (invalid_client: the app's
     * credentials; a frozen or locked shop) is for an operator to fix.
     */
    public static final class Refused extends RuntimeException {
        private final boolean grantInvalid;

        public Refused(String message, boolean grantInvalid) {
            super(message);
            this.grantInvalid = grantInvalid;
        }

        public boolean grantInvalid() {
            return grantInvalid;
        }
    }

    /** No answer, or a 5xx/429: the grant may or may not have happened; asking again is how to find out. */
    public static final class Unanswered extends RuntimeException {
        public Unanswered(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ShopifyConfig config;

    public ShopifyTokenEndpoint(ShopifyConfig config) {
        this.config = config;
    }

    /** The authorization code of a callback for an expiring offline token. */
    public Grant exchangeCode(String shop, String code) {
        Map<String, String> body = credentials();
        body.put("code", code);
        body.put("expiring", "1");
        return post(shop, body);
    }

    /** The next token pair; Shopify keeps the refresh token used valid until the new access token is first used. */
    public Grant refresh(String shop, String refreshToken) {
        Map<String, String> body = credentials();
        body.put("grant_type", "refresh_token");
        body.put("refresh_token", refreshToken);
        return post(shop, body);
    }

    private Map<String, String> credentials() {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("client_id", config.apiKey().orElseThrow());
        body.put("client_secret", config.apiSecret().orElseThrow());
        return body;
    }

    private Grant post(String shop, Map<String, String> body) {
        HttpResponse<String> response;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(config.baseUrl(shop) + "/admin/oauth/access_token"))
                    .timeout(TIMEOUT).header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Unanswered("Shopify's token endpoint of " + shop + " did not answer: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unanswered("interrupted", e);
        }
        int status = response.statusCode();
        if (status == 429 || status >= 500) {
            throw new Unanswered("Shopify's token endpoint of " + shop + " answered HTTP " + status, null);
        }
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new Unanswered("Shopify's token endpoint of " + shop + " answered HTTP " + status + " without JSON", e);
        }
        if (status != 200 || !json.hasNonNull("access_token")) {
            // Shopify's error and description name the problem; neither ever holds a token.
            String error = json.path("error").asText("no error code");
            throw new Refused("Shopify refused the token request of " + shop + " (HTTP " + status + "): " + error
                    + optional(json.path("error_description").asText("")), "invalid_grant".equals(error));
        }
        Instant now = Instant.now();
        return new Grant(json.get("access_token").asText(),
                seconds(json, "expires_in").map(now::plusSeconds),
                Optional.ofNullable(json.get("refresh_token")).filter(JsonNode::isTextual).map(JsonNode::asText),
                seconds(json, "refresh_token_expires_in").map(now::plusSeconds),
                Arrays.stream(json.path("scope").asText("").split(",")).map(String::strip).filter(scope -> !scope.isEmpty()).toList());
    }

    private static Optional<Long> seconds(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value != null && value.canConvertToLong() ? Optional.of(value.asLong()) : Optional.empty();
    }

    private static String optional(String description) {
        return description.isBlank() ? "" : " – " + description;
    }
}
