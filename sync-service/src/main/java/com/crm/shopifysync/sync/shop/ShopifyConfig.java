package com.crm.shopifysync.sync.shop;

import io.smallrye.config.WithConverter;
import com.crm.shopifysync.model.ShopDomains;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/**
 * The shops this CRM syncs and how to reach Shopify's Admin API for each: {@code shopify.shops[0].domain},
 * {@code shopify.shops[0].access-token} (a secret: from the environment, e.g. {@code SHOPIFY_SHOPS_0__ACCESS_TOKEN}),
 * and optionally {@code shopify.shops[0].admin-url} (default {@code https://{domain}}; the simulator's URL locally).
 */
@ConfigMapping(prefix = "shopify")
public interface ShopifyConfig {

    /** The Admin API version every call uses; upgrading is a configuration change (see deploy/README.md). */
    @WithDefault("2026-07")
    String apiVersion();

    Optional<List<Shop>> shops();

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
