package com.crm.shopifysync.sync.shop;

import com.crm.shopifysync.sync.shop.ShopifyTokenEndpoint.Grant;
import com.crm.shopifysync.sync.shopify.AdminApiAccess;
import com.crm.shopifysync.sync.shopify.Pause;
import com.crm.shopifysync.sync.shopify.ShopifyCallFailed;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Connected shops' Admin API tokens: stored encrypted ({@link TokenCipher}), held decrypted in memory only, refreshed
 * before they expire and after Shopify refuses one. Blocking (JDBC), for worker threads.
 *
 * <p>A refresh reads the stored pair, asks Shopify, and stores the new pair only if the stored one is still the one it
 * read (compare and set): no row lock or connection is held while Shopify answers. Replicas refreshing at once may both
 * ask Shopify with the same refresh token, which Shopify allows (it keeps a refresh token valid until its replacement
 * is first used, changelog of 2026-08-28); the first to store wins and the other takes the stored pair. For the same
 * reason a refresh whose answer was lost, or whose new pair could not be stored, is simply asked again. Only Shopify's
 * {@code invalid_grant} marks a shop for reconnection: a person must grant a new token.
 */
@ApplicationScoped
public class ShopTokens {

    private static final Logger LOG = Logger.getLogger(ShopTokens.class);
    private static final int REFRESH_ATTEMPTS = 4;

    private record Current(String token, Optional<Instant> expiresAt) {
    }

    /** A shop's stored pair, still encrypted: what a compare-and-set compares. */
    private record Stored(byte[] accessToken, Optional<Instant> expiresAt, byte[] refreshToken) {
    }

    private final AgroalDataSource dataSource;
    private final ShopifyConfig config;
    private final ShopifyTokenEndpoint endpoint;
    private final MeterRegistry metrics;
    private final Map<String, Current> tokens = new ConcurrentHashMap<>();
    private volatile TokenCipher cipher;

    public ShopTokens(AgroalDataSource dataSource, ShopifyConfig config, ShopifyTokenEndpoint endpoint, MeterRegistry metrics) {
        this.dataSource = dataSource;
        this.config = config;
        this.endpoint = endpoint;
        this.metrics = metrics;
    }

    /** The shop's Admin API access: its configured token, or its connected one. */
    public AdminApiAccess access(ShopDirectory.Shop shop) {
        if (shop.configuredToken().isPresent()) {
            return AdminApiAccess.fixed(shop.domain(), shop.configuredToken().get());
        }
        return new AdminApiAccess() {
            @Override
            public String accessToken() {
                return current(shop.domain());
            }

            @Override
            public String afterRejection(String rejected) {
                return refresh(shop.domain(), rejected);
            }
        };
    }

    /** Stores a shop's new grant (its connection) in the caller's transaction. */
    public void store(Connection connection, String shop, Grant grant) throws SQLException {
        TokenCipher keys = cipher();
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO shop_credentials (shop_domain, access_token, "
                + "access_token_expires_at, refresh_token, refresh_token_expires_at, scopes, updated_at) VALUES (?, ?, ?, ?, ?, ?, now()) "
                + "ON CONFLICT (shop_domain) DO UPDATE SET access_token = EXCLUDED.access_token, access_token_expires_at = "
                + "EXCLUDED.access_token_expires_at, refresh_token = EXCLUDED.refresh_token, refresh_token_expires_at = "
                + "EXCLUDED.refresh_token_expires_at, scopes = EXCLUDED.scopes, updated_at = now()")) {
            statement.setString(1, shop);
            bindGrant(statement, 2, keys, shop, grant);
            statement.setArray(6, connection.createArrayOf("text", grant.scopes().toArray()));
            statement.executeUpdate();
        }
        tokens.remove(shop);
    }

    /** Forgets what memory holds of a shop's token (it was replaced, or the shop is gone). */
    public void forget(String shop) {
        tokens.remove(shop);
    }

    private String current(String shop) {
        Current held = tokens.get(shop);
        if (held != null && !expiresSoon(held.expiresAt())) {
            return held.token();
        }
        Stored stored = read(shop);
        String token = decrypt(stored.accessToken(), shop);
        if (expiresSoon(stored.expiresAt())) {
            return refresh(shop, token);
        }
        reencryptIfRotated(shop, stored);
        tokens.put(shop, new Current(token, stored.expiresAt()));
        return token;
    }

    /**
     * A token other than {@code stale}: the one another replica stored meanwhile, else a refreshed one.
     *
     * @throws ShopifyCallFailed permanent when Shopify refused the refresh for good (the shop is marked for reconnection),
     *                           transient when Shopify or the database did not answer
     */
    private String refresh(String shop, String stale) {
        String lastProblem = null;
        for (int attempt = 1; attempt <= REFRESH_ATTEMPTS; attempt++) {
            try {
                Stored stored = read(shop);
                String storedToken = decrypt(stored.accessToken(), shop);
                if (!storedToken.equals(stale) && !expiresSoon(stored.expiresAt())) {
                    tokens.put(shop, new Current(storedToken, stored.expiresAt()));
                    return storedToken;
                }
                if (stored.refreshToken() == null) {
                    throw reconnect(shop, "its token does not expire and was refused; only a new grant helps");
                }
                Grant grant = endpoint.refresh(shop, decrypt(stored.refreshToken(), shop));
                if (!replace(shop, stored, grant)) {
                    // Another replica stored a new pair meanwhile: that one is the shop's token now.
                    lastProblem = "another replica refreshed first";
                    continue;
                }
                tokens.put(shop, new Current(grant.accessToken(), grant.accessTokenExpiresAt()));
                metrics.counter("sync_shop_token_refreshes_total", "outcome", "refreshed").increment();
                LOG.infof("refreshed the access token of %s (valid until %s)", shop, grant.accessTokenExpiresAt().orElse(null));
                return grant.accessToken();
            } catch (ShopifyTokenEndpoint.Unanswered e) {
                lastProblem = e.getMessage();
                LOG.warnf("refreshing the token of %s: %s (attempt %d; asking again with the same refresh token)", shop, e.getMessage(), attempt);
            } catch (ShopifyTokenEndpoint.Refused e) {
                if (e.grantInvalid()) {
                    throw reconnect(shop, e.getMessage());
                }
                // The app's credentials refused, the shop frozen or locked: not the merchant's grant; fix it and it syncs again.
                throw new ShopifyCallFailed(e.getMessage(), true);
            } catch (SQLException e) {
                lastProblem = "the database: " + e.getMessage();
                LOG.warnf("refreshing the token of %s failed on %s (attempt %d)", shop, lastProblem, attempt);
            }
            Pause.sleep(Duration.ofSeconds(attempt));
        }
        metrics.counter("sync_shop_token_refreshes_total", "outcome", "unanswered").increment();
        throw new ShopifyCallFailed("refreshing the token of " + shop + " failed " + REFRESH_ATTEMPTS + " times; last: " + lastProblem, false);
    }

    private Stored read(String shop) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT access_token, access_token_expires_at, refresh_token FROM shop_credentials WHERE shop_domain = ?")) {
            statement.setString(1, shop);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    throw reconnect(shop, "the shop has no stored token");
                }
                return new Stored(row.getBytes(1), instant(row.getTimestamp(2)), row.getBytes(3));
            }
        } catch (SQLException e) {
            throw new ShopifyCallFailed("reading the token of " + shop + " failed: " + e.getMessage(), false);
        }
    }

    /** Stores the grant if the shop's stored pair is still {@code expected}; false when another write came first. */
    private boolean replace(String shop, Stored expected, Grant grant) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE shop_credentials SET access_token = ?, "
                     + "access_token_expires_at = ?, refresh_token = ?, refresh_token_expires_at = ?, refreshed_at = now(), updated_at = now() "
                     + "WHERE shop_domain = ? AND access_token = ?")) {
            bindGrant(update, 1, cipher(), shop, grant);
            update.setString(5, shop);
            update.setBytes(6, expected.accessToken());
            return update.executeUpdate() == 1;
        }
    }

    /** A pair encrypted with a key no longer first is written again with the first (key rotation), if unchanged since. */
    private void reencryptIfRotated(String shop, Stored stored) {
        TokenCipher keys = cipher();
        if (!keys.needsReencryption(stored.accessToken()) && (stored.refreshToken() == null || !keys.needsReencryption(stored.refreshToken()))) {
            return;
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE shop_credentials SET access_token = ?, refresh_token = ?, "
                     + "updated_at = now() WHERE shop_domain = ? AND access_token = ?")) {
            update.setBytes(1, keys.encrypt(decrypt(stored.accessToken(), shop), shop));
            update.setBytes(2, stored.refreshToken() == null ? null : keys.encrypt(decrypt(stored.refreshToken(), shop), shop));
            update.setString(3, shop);
            update.setBytes(4, stored.accessToken());
            update.executeUpdate();
        } catch (SQLException e) {
            LOG.debugf("re-encrypting the tokens of %s failed (the next read tries again): %s", shop, e.getMessage());
        }
    }

    private ShopifyCallFailed reconnect(String shop, String why) {
        tokens.remove(shop);
        metrics.counter("sync_shop_token_refreshes_total", "outcome", "refused").increment();
        String problem = "Shopify refused the shop's token (" + why + "): reconnect the shop";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     // an uninstalled shop stays disconnected: its tokens were deleted on purpose
                     "UPDATE shops SET connection_state = 'reconnect', connection_problem = ? WHERE shop_domain = ? AND connection_state = 'connected'")) {
            statement.setString(1, problem);
            statement.setString(2, shop);
            statement.executeUpdate();
        } catch (SQLException e) {
            LOG.warnf("marking %s for reconnection failed: %s", shop, e.getMessage());
        }
        LOG.warnf("%s: %s", shop, problem);
        return new ShopifyCallFailed(problem, true);
    }

    private void bindGrant(PreparedStatement statement, int first, TokenCipher keys, String shop, Grant grant) throws SQLException {
        statement.setBytes(first, keys.encrypt(grant.accessToken(), shop));
        statement.setTimestamp(first + 1, grant.accessTokenExpiresAt().map(Timestamp::from).orElse(null));
        statement.setBytes(first + 2, grant.refreshToken().map(token -> keys.encrypt(token, shop)).orElse(null));
        statement.setTimestamp(first + 3, grant.refreshTokenExpiresAt().map(Timestamp::from).orElse(null));
    }

    /**
     * A stored token in clear. One no configured key decrypts (a replica not yet given a new key during a rotation, a
     * key removed too early) fails the call, not the shop's connection: the shop syncs again once the keys are right.
     */
    private String decrypt(byte[] encrypted, String shop) {
        try {
            return cipher().decrypt(encrypted, shop);
        } catch (IllegalStateException e) {
            throw new ShopifyCallFailed("the stored token of " + shop + " cannot be decrypted with the keys in SHOPIFY_TOKEN_KEYS ("
                    + e.getMessage() + ")", false);
        }
    }

    /** The keys, read when first needed: a shop configured with a token of its own never needs them. */
    private TokenCipher cipher() {
        TokenCipher keys = cipher;
        if (keys == null) {
            try {
                keys = new TokenCipher(config.tokenKeys().filter(list -> !list.isEmpty())
                        .orElseThrow(() -> new IllegalArgumentException("SHOPIFY_TOKEN_KEYS is not configured")));
            } catch (IllegalArgumentException e) {
                throw new ShopifyCallFailed("the tokens of connected shops cannot be read or written: " + e.getMessage(), true);
            }
            cipher = keys;
        }
        return keys;
    }

    private boolean expiresSoon(Optional<Instant> expiresAt) {
        return expiresAt.map(at -> Instant.now().plus(config.tokenRefreshMargin()).isAfter(at)).orElse(false);
    }

    private static Optional<Instant> instant(Timestamp timestamp) {
        return Optional.ofNullable(timestamp).map(Timestamp::toInstant);
    }
}
