package com.crm.shopifysync.sync.store;

import java.io.Serializable;
import java.util.Objects;

/** The primary key of every Shopify resource table: the shop and Shopify's numeric id. */
public class ShopResourceKey implements Serializable {

    public String shopDomain;
    public Long shopifyId;

    public ShopResourceKey() {
    }

    public ShopResourceKey(String shopDomain, Long shopifyId) {
        this.shopDomain = shopDomain;
        this.shopifyId = shopifyId;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ShopResourceKey key && Objects.equals(shopDomain, key.shopDomain) && Objects.equals(shopifyId, key.shopifyId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(shopDomain, shopifyId);
    }
}
