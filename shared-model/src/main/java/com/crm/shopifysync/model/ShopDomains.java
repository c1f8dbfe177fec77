package com.crm.shopifysync.model;

import java.util.Locale;

/**
 * A shop's {@code *.myshopify.com} domain, the key of everything the CRM holds of the shop. Shopify's domains compare
 * without case, so every domain entering the system (configuration, webhook headers, API paths) goes through
 * {@link #normalize} once, at that edge, and is compared as plain text everywhere after.
 */
public final class ShopDomains {

    private ShopDomains() {
    }

    public static String normalize(String domain) {
        return domain == null ? null : domain.strip().toLowerCase(Locale.ROOT);
    }
}
