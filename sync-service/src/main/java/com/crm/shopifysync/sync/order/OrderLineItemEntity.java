package com.crm.shopifysync.sync.order;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Objects;

/** A row of {@code order_line_items}: one line of one order's current version. */
@Entity
@Table(name = "order_line_items")
@IdClass(OrderLineItemEntity.Key.class)
public class OrderLineItemEntity extends PanacheEntityBase {

    @Id
    @Column(name = "shop_domain")
    public String shopDomain;
    @Id
    @Column(name = "order_shopify_id")
    public Long orderShopifyId;
    @Id
    @Column(name = "shopify_id")
    public Long shopifyId;
    @Column(name = "admin_graphql_api_id")
    public String adminGraphqlApiId;
    @Column(name = "product_id")
    public Long productId;
    @Column(name = "variant_id")
    public Long variantId;
    public String title;
    @Column(name = "variant_title")
    public String variantTitle;
    public String sku;
    public String vendor;
    public Integer quantity;
    public BigDecimal price;
    @Column(name = "total_discount")
    public BigDecimal totalDiscount;

    public static class Key implements Serializable {
        public String shopDomain;
        public Long orderShopifyId;
        public Long shopifyId;

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(shopDomain, key.shopDomain)
                    && Objects.equals(orderShopifyId, key.orderShopifyId) && Objects.equals(shopifyId, key.shopifyId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(shopDomain, orderShopifyId, shopifyId);
        }
    }
}
