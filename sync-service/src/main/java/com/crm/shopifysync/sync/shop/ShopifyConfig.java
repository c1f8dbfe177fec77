package com.crm.shopifysync.sync.shop;

import io.smallrye.config.WithConverter;
import com.crm.shopifysync.model.ShopDomains;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How this CRM meets Shopify. Two kinds of shops: those configured here (custom apps with an admin-created token:
 * {@code shopify.shops[0].domain}, {@code shopify.shops[0].access-token} (a secret: from the environment, e.g.
 * {@code SHOPIFY_SHOPS_0__ACCESS_TOKEN}), optionally {@code shopify.shops[0].admin-url}), and those a merchant connects
 * through the app's OAuth flow, which needs the app's credentials ({@code SHOPIFY_API_KEY}, {@code SHOPIFY_API_SECRET}),
 * its public URLs ({@code SHOPIFY_APP_URL}, {@code SHOPIFY_WEBHOOKS_URL}) and the keys its tokens are encrypted with
 * ({@code SHOPIFY_TOKEN_KEYS}).
 */
@ConfigMapping(prefix = "shopify")
public interface ShopifyConfig {

    /** The Admin API version every call uses; upgrading is a configuration change (see deploy/README.md). */
    @WithDefault("2026-07")
    String apiVersion();

    Optional<List<Shop>> shops();

    /** The app's client id ({@code SHOPIFY_API_KEY}). */
    Optional<String> apiKey();

    /** The app's client secret ({@code SHOPIFY_API_SECRET}): signs OAuth redirects (and webhooks, for the gateway). */
    Optional<String> apiSecret();

    /** The sync-service's public URL ({@code SHOPIFY_APP_URL}): the OAuth callback is {@code {app-url}/auth/shopify/callback}. */
    Optional<String> appUrl();

    /**
     * The gateway's public webhook URL ({@code SHOPIFY_WEBHOOKS_URL}): the shops' webhook subscriptions point at it.
     * Without it no subscription is managed (the app declares them in shopify.app.toml instead).
     */
    Optional<String> webhooksUrl();

    /** A shop's base URL, {@code {shop}} substituted ({@code SHOPIFY_BASE_URL}; the simulator's, locally). */
    @WithDefault("https://{shop}")
    String baseUrl();

    /** AES-256 keys, base64, the first one encrypts ({@code SHOPIFY_TOKEN_KEYS}); needed to connect shops. */
    Optional<List<String>> tokenKeys();

    /** The access scopes the sync asks a merchant for. */
    @WithDefault("read_customers,read_orders,read_all_orders")
    List<String> scopes();

    /** How often each shop's webhook subscriptions are checked and the missing ones re-created. */
    @WithDefault("30m")
    Duration subscriptionsCheck();

    /** A connected shop's access token is refreshed this long before it expires. */
    @WithDefault("5m")
    Duration tokenRefreshMargin();

    /** The base URL of this shop. */
    default String baseUrl(String shopDomain) {
        return baseUrl().replace("{shop}", shopDomain);
    }

    /** Whether merchants can connect shops: the app's credentials, public URL and token keys are all configured. */
    default boolean canConnectShops() {
        return apiKey().isPresent() && apiSecret().isPresent() && appUrl().isPresent() && tokenKeys().map(keys -> !keys.isEmpty()).orElse(false);
    }

    /** The configured shop of this (normalized) domain. */
    default Optional<Shop> shop(String domain) {
        return shops().orElse(List.of()).stream().filter(shop -> shop.domain().equals(domain)).findFirst();
    }

    interface Shop {

        /** Normalized as it is read ({@link ShopDomains}): a domain configured with capitals is the same shop. */
        @WithConverter(ShopDomainConverter.class)
        String domain();

        Optional<String> adminUrl();

        String accessToken();

        default String adminUrlOrDefault() {
            return adminUrl().orElse("https://" + domain());
        }
    }
}
