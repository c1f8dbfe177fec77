package com.crm.shopifysync.simulator;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The public app's installation on one shop, as Shopify's OAuth server keeps it: the scopes the merchant granted,
 * single-use authorization codes, and the access and refresh tokens issued from them.
 *
 * <p>Refresh tokens rotate: every refresh returns a new pair. Since August 2026 a used refresh token stays usable
 * until the app uses its replacement refresh token (so an app whose refresh response got lost retries with the old
 * one), at most 30 days after its first use and never past its own lifetime; using the replacement retires it.
 * A refresh does not revoke earlier access tokens: each lasts until its own expiry.
 */
final class AppInstallation {

    /** How long an authorization code can be exchanged. */
    static final Duration CODE_VALIDITY = Duration.ofSeconds(60);
    /** How long after its first use a refresh token can still be retried, its replacement unused. */
    static final Duration REFRESH_RETRY_WINDOW = Duration.ofDays(30);

    /** What the token endpoint answers: an expiring pair (with lifetimes in seconds) or a non-expiring token. */
    record Tokens(String accessToken, String scope, Long expiresIn, String refreshToken, Long refreshTokenExpiresIn) {

        Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("access_token", accessToken);
            json.put("scope", scope);
            if (refreshToken != null) {
                json.put("expires_in", expiresIn);
                json.put("refresh_token", refreshToken);
                json.put("refresh_token_expires_in", refreshTokenExpiresIn);
            }
            return json;
        }
    }

    private record Code(String clientId, Instant expiresAt) {
    }

    /** {@code expiresAt} null: a non-expiring token. */
    private record AccessToken(Instant expiresAt) {

        boolean validAt(Instant now) {
            return expiresAt == null || now.isBefore(expiresAt);
        }
    }

    private static final class RefreshToken {
        final Instant expiresAt;
        /** The refresh token whose use minted this one (null for the code grant's). */
        final String predecessor;
        Instant firstUsedAt;
        boolean retired;

        RefreshToken(Instant expiresAt, String predecessor) {
            this.expiresAt = expiresAt;
            this.predecessor = predecessor;
        }

        boolean usableAt(Instant now) {
            return !retired && now.isBefore(expiresAt)
                    && (firstUsedAt == null || !now.isAfter(firstUsedAt.plus(REFRESH_RETRY_WINDOW)));
        }
    }

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Code> codes = new HashMap<>();
    private final Map<String, AccessToken> accessTokens = new HashMap<>();
    private final Map<String, RefreshToken> refreshTokens = new HashMap<>();
    private List<String> grantedScopes = List.of();
    private long refreshes;

    AppInstallation(Clock clock) {
        this.clock = clock;
    }

    /** The merchant approved the app for these scopes: a code the app exchanges within {@link #CODE_VALIDITY}. */
    synchronized String approve(String clientId, List<String> scopes) {
        grantedScopes = List.copyOf(scopes);
        String code = randomHex();
        codes.put(code, new Code(clientId, clock.instant().plus(CODE_VALIDITY)));
        return code;
    }

    /** The authorization code grant; a code is used up by its first exchange, successful or not. */
    synchronized Tokens exchangeCode(String code, String clientId, boolean expiring, Duration lifetime, Duration refreshLifetime) {
        Code granted = code == null ? null : codes.remove(code);
        if (granted == null || !granted.clientId().equals(clientId) || !clock.instant().isBefore(granted.expiresAt())) {
            throw new OAuthError(400, "invalid_request", "The authorization code was not found or was already used");
        }
        return mint(expiring, lifetime, refreshLifetime, null);
    }

    /** The refresh grant: a new pair; the refresh token that minted the one used now is retired. */
    synchronized Tokens refresh(String refreshToken, Duration lifetime, Duration refreshLifetime) {
        Instant now = clock.instant();
        RefreshToken used = refreshToken == null ? null : refreshTokens.get(refreshToken);
        if (used == null || !used.usableAt(now)) {
            throw new OAuthError(400, "invalid_grant", "The refresh token is invalid, expired or revoked");
        }
        if (used.predecessor != null) {
            refreshTokens.get(used.predecessor).retired = true;
        }
        if (used.firstUsedAt == null) {
            used.firstUsedAt = now;
        }
        refreshes++;
        return mint(true, lifetime, refreshLifetime, refreshToken);
    }

    synchronized boolean authorizes(String accessToken) {
        AccessToken token = accessTokens.get(accessToken);
        return token != null && token.validAt(clock.instant());
    }

    /** Every access token issued here expires now (the refresh tokens stay as they are). */
    synchronized void expireAccessTokens() {
        Instant now = clock.instant();
        accessTokens.replaceAll((token, issued) -> new AccessToken(now));
    }

    /**
     * The merchant uninstalled the app: every access and refresh token and every unused code is revoked (the Admin API
     * answers 401, a refresh {@code invalid_grant}) and the grant forgotten; a new install starts from the install page.
     */
    synchronized void revoke() {
        codes.clear();
        accessTokens.clear();
        refreshTokens.clear();
        grantedScopes = List.of();
    }

    synchronized boolean hasIssuedTokens() {
        return !accessTokens.isEmpty();
    }

    synchronized List<String> grantedScopes() {
        return grantedScopes;
    }

    synchronized long refreshes() {
        return refreshes;
    }

    private Tokens mint(boolean expiring, Duration lifetime, Duration refreshLifetime, String predecessor) {
        Instant now = clock.instant();
        String accessToken = "shpat_" + randomHex();
        String scope = String.join(",", grantedScopes);
        if (!expiring) {
            accessTokens.put(accessToken, new AccessToken(null));
            return new Tokens(accessToken, scope, null, null, null);
        }
        accessTokens.put(accessToken, new AccessToken(now.plus(lifetime)));
        String refreshToken = "shprt_" + randomHex();
        refreshTokens.put(refreshToken, new RefreshToken(now.plus(refreshLifetime), predecessor));
        return new Tokens(accessToken, scope, lifetime.toSeconds(), refreshToken, refreshLifetime.toSeconds());
    }

    private String randomHex() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** An answer of the token endpoint other than 200: its status and OAuth error. */
    static final class OAuthError extends RuntimeException {
        private final int status;
        private final String error;

        OAuthError(int status, String error, String description) {
            super(description);
            this.status = status;
            this.error = error;
        }

        int status() {
            return status;
        }

        Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("error", error);
            if (getMessage() != null) {
                json.put("error_description", getMessage());
            }
            return json;
        }
    }
}
