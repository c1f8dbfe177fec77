package com.crm.shopifysync.sync.connect;

import com.crm.shopifysync.model.OAuthQuerySignature;
import com.crm.shopifysync.sync.shop.ShopDirectory;
import com.crm.shopifysync.sync.shop.ShopTokens;
import com.crm.shopifysync.sync.shop.ShopifyConfig;
import com.crm.shopifysync.sync.shop.ShopifyTokenEndpoint;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Shopify's authorization code grant for a non-embedded app: the authorization URL a merchant is sent to, the checks a
 * request from Shopify passes before it is trusted (its hmac, its timestamp's freshness, the shop's form), and the
 * connection stored once the code is exchanged for an expiring offline token.
 */
@ApplicationScoped
public class ShopConnections {

    /** Shopify's own libraries accept a request's timestamp within 90 s of their clock. */
    static final Duration TIMESTAMP_TOLERANCE = Duration.ofSeconds(90);
    private static final Pattern SHOP_DOMAIN = Pattern.compile("[a-z0-9][a-z0-9-]*\\.myshopify\\.com");

    /** Why a request from Shopify is refused, and the HTTP status it gets. */
    public record Refusal(int status, String reason) {
    }

    private final ShopifyConfig config;
    private final ShopifyTokenEndpoint tokenEndpoint;
    private final ShopTokens tokens;
    private final AgroalDataSource dataSource;

    public ShopConnections(ShopifyConfig config, ShopifyTokenEndpoint tokenEndpoint, ShopTokens tokens, AgroalDataSource dataSource) {
        this.config = config;
        this.tokenEndpoint = tokenEndpoint;
        this.tokens = tokens;
        this.dataSource = dataSource;
    }

    public static boolean isShopDomain(String domain) {
        return domain != null && SHOP_DOMAIN.matcher(domain).matches();
    }

    /** The shop's authorization page for this app, asking for offline access with the sync's scopes. */
    public String authorizeUrl(String shop, String state) {
        return config.baseUrl(shop) + "/admin/oauth/authorize?client_id=" + encode(config.apiKey().orElseThrow())
                + "&scope=" + encode(String.join(",", config.scopes())) + "&redirect_uri=" + encode(callbackUrl())
                + "&state=" + encode(state) + "&grant_options%5B%5D=";
    }

    public String callbackUrl() {
        return config.appUrl().orElseThrow().replaceAll("/+$", "") + "/auth/shopify/callback";
    }

    /** What is wrong with a request Shopify sent through the browser (its query), if anything. */
    public Optional<Refusal> verify(Map<String, String> query, Instant now) {
        if (!OAuthQuerySignature.verify(config.apiSecret().orElseThrow(), query, query.get("hmac"))) {
            return Optional.of(new Refusal(401, "the request's hmac is not Shopify's"));
        }
        if (!isShopDomain(query.get("shop"))) {
            return Optional.of(new Refusal(400, "the shop is not a *.myshopify.com domain"));
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(query.getOrDefault("timestamp", ""));
        } catch (NumberFormatException e) {
            return Optional.of(new Refusal(400, "the request has no timestamp"));
        }
        if (Math.abs(now.getEpochSecond() - timestamp) > TIMESTAMP_TOLERANCE.toSeconds()) {
            return Optional.of(new Refusal(400, "the request is stale (its timestamp is more than 90 s away)"));
        }
        return Optional.empty();
    }

    /**
     * Exchanges the callback's code for an expiring offline token and stores the connection (the shop, its encrypted
     * tokens) in one transaction. Blocking.
     *
     * @return the shop, connected
     * @throws ShopifyTokenEndpoint.Refused    Shopify refused the code
     * @throws ShopifyTokenEndpoint.Unanswered Shopify did not answer
     */
    public ShopDirectory.Shop connect(String shop, String code) throws SQLException {
        ShopifyTokenEndpoint.Grant grant = tokenEndpoint.exchangeCode(shop, code);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement reconnected = connection.prepareStatement(
                    "UPDATE erased_shops SET reconnected_at = now() WHERE shop_domain = ? AND reconnected_at IS NULL");
                 PreparedStatement statement = connection.prepareStatement("INSERT INTO shops (shop_domain, admin_url, api_version, source, "
                    + "connection_state, connected_at, access_scopes, orders_limited_to_60_days) VALUES (?, ?, ?, 'installed', 'connected', "
                    + "now(), ?, ?) ON CONFLICT (shop_domain) DO UPDATE SET admin_url = EXCLUDED.admin_url, api_version = EXCLUDED.api_version, "
                    + "source = 'installed', connection_state = 'connected', connection_problem = NULL, connected_at = now(), "
                    // a new installation has no subscriptions yet: registering them is not re-creating lost ones
                    + "subscriptions_registered_at = NULL, disconnected_at = NULL, revoked_token_sha256 = NULL, "
                    // connected again after an uninstall or a refused token: what changed meanwhile is caught up now
                    + "catch_up_requested_at = CASE WHEN shops.connection_state <> 'connected' THEN now() ELSE shops.catch_up_requested_at END, "
                    + "catch_up_reason = CASE WHEN shops.connection_state <> 'connected' THEN 'reconnected' ELSE shops.catch_up_reason END, "
                    + "access_scopes = EXCLUDED.access_scopes, orders_limited_to_60_days = EXCLUDED.orders_limited_to_60_days")) {
                // an erased shop installed again: its data may be stored again (the sync starts from nothing)
                reconnected.setString(1, shop);
                reconnected.executeUpdate();
                statement.setString(1, shop);
                statement.setString(2, config.baseUrl(shop));
                statement.setString(3, config.apiVersion());
                statement.setArray(4, connection.createArrayOf("text", grant.scopes().toArray()));
                statement.setBoolean(5, !grant.scopes().contains("read_all_orders"));
                statement.executeUpdate();
                tokens.store(connection, shop, grant);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
        return new ShopDirectory.Shop(shop, ShopDirectory.INSTALLED, config.baseUrl(shop), ShopDirectory.CONNECTED, null, Optional.empty());
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
