package com.crm.shopifysync.sync.shop;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every shop this CRM syncs, wherever it comes from: configured in the environment (a custom app's admin-created token)
 * or connected by its merchant (OAuth; its tokens in {@code shop_credentials}). The one place that says whether a shop
 * is known, where its Admin API is, and whether it needs its merchant.
 */
@ApplicationScoped
public class ShopDirectory {

    public static final String CONFIGURED = "configured";
    public static final String INSTALLED = "installed";
    public static final String CONNECTED = "connected";
    public static final String RECONNECT = "reconnect";
    /** Uninstalled (app/uninstalled), and erased after it (shop/redact): nothing syncs until it is connected again. */
    public static final String DISCONNECTED = "disconnected";

    /**
     * A shop this CRM syncs.
     *
     * @param source            configured or installed
     * @param connectionState   connected, reconnect (Shopify refused its token for good: its merchant must connect it again),
     *                          or disconnected (the app was uninstalled)
     * @param configuredToken   the environment's token of a configured shop (never shown anywhere)
     */
    public record Shop(String domain, String source, String adminUrl, String connectionState, String connectionProblem,
                       Optional<String> configuredToken) {

        public boolean needsReconnect() {
            return RECONNECT.equals(connectionState);
        }

        public boolean connected() {
            return CONNECTED.equals(connectionState);
        }

        public boolean disconnected() {
            return DISCONNECTED.equals(connectionState);
        }

        @Override
        public String toString() {
            return "Shop[" + domain + ", " + source + ", " + connectionState + "]";
        }
    }

    private final Pool pool;
    private final ShopifyConfig config;

    public ShopDirectory(Pool pool, ShopifyConfig config) {
        this.pool = pool;
        this.config = config;
    }

    /** Every shop, configured ones first (in their configured order), then connected ones by domain. */
    public Uni<List<Shop>> all() {
        return pool.query("SELECT shop_domain, source, connection_state, connection_problem, revoked_token_sha256 FROM shops "
                + "UNION ALL SELECT shop_domain, 'erased', 'disconnected', NULL, revoked_token_sha256 FROM erased_shops e "
                + "WHERE e.reconnected_at IS NULL AND NOT EXISTS (SELECT 1 FROM shops s WHERE s.shop_domain = e.shop_domain)").execute().map(rows -> {
            Map<String, Row> stored = new LinkedHashMap<>();
            rows.forEach(row -> stored.put(row.getString("shop_domain"), row));
            List<Shop> shops = new ArrayList<>();
            for (ShopifyConfig.Shop configured : config.shops().orElse(List.of())) {
                Row row = stored.remove(configured.domain());
                if (row != null && INSTALLED.equals(row.getString("source"))) {
                    // Connected by its merchant since: the connection's token is the one to use.
                    shops.add(installed(row));
                } else {
                    // Uninstalled: disconnected while the configuration holds the token Shopify revoked.
                    boolean revoked = row != null && DISCONNECTED.equals(row.getString("connection_state"))
                            && fingerprint(configured.accessToken()).equals(row.getString("revoked_token_sha256"));
                    shops.add(new Shop(configured.domain(), CONFIGURED, configured.adminUrlOrDefault(), revoked ? DISCONNECTED : CONNECTED,
                            null, Optional.of(configured.accessToken())));
                }
            }
            stored.values().stream().filter(row -> INSTALLED.equals(row.getString("source")))
                    .sorted(Comparator.comparing(row -> row.getString("shop_domain"))).forEach(row -> shops.add(installed(row)));
            return shops;
        });
    }

    /** The shop of this (normalized) domain, if this CRM syncs it. */
    public Uni<Optional<Shop>> find(String domain) {
        return all().map(shops -> shops.stream().filter(shop -> shop.domain().equals(domain)).findFirst());
    }

    /** Whether this CRM syncs the shop: answered from configuration first, without a query, where it can be. */
    public Uni<Boolean> knows(String domain) {
        if (config.shop(domain).isPresent()) {
            return Uni.createFrom().item(true);
        }
        return pool.preparedQuery("SELECT 1 FROM shops WHERE shop_domain = $1 AND source = 'installed'").execute(Tuple.of(domain))
                .map(rows -> rows.size() > 0);
    }

    /** A configured token's SHA-256 (hex): how the shops table tells a revoked token from a new one without holding either. */
    public static String fingerprint(String token) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private Shop installed(Row row) {
        String domain = row.getString("shop_domain");
        return new Shop(domain, INSTALLED, config.baseUrl(domain), row.getString("connection_state"), row.getString("connection_problem"),
                Optional.empty());
    }
}
