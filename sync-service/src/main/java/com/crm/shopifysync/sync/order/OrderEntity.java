package com.crm.shopifysync.sync.order;

import com.crm.shopifysync.sync.store.ShopResourceKey;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A row of {@code orders}, for reading; writes go through {@link OrderRepository#upsert}. */
@Entity
@Table(name = "orders")
@IdClass(ShopResourceKey.class)
public class OrderEntity extends PanacheEntityBase {

    @Id
    @Column(name = "shop_domain")
    public String shopDomain;
    @Id
    @Column(name = "shopify_id")
    public Long shopifyId;
    @Column(name = "admin_graphql_api_id")
    public String adminGraphqlApiId;
    public String name;
    @Column(name = "order_number")
    public Long orderNumber;
    public String email;
    @Column(name = "customer_shopify_id")
    public Long customerShopifyId;
    @Column(name = "financial_status")
    public String financialStatus;
    @Column(name = "fulfillment_status")
    public String fulfillmentStatus;
    public String currency;
    @Column(name = "total_price")
    public BigDecimal totalPrice;
    @Column(name = "subtotal_price")
    public BigDecimal subtotalPrice;
    @Column(name = "total_tax")
    public BigDecimal totalTax;
    @Column(name = "total_discounts")
    public BigDecimal totalDiscounts;
    public String[] tags;
    @Column(name = "cancel_reason")
    public String cancelReason;
    @Column(name = "shopify_created_at")
    public OffsetDateTime shopifyCreatedAt;
    @Column(name = "shopify_updated_at")
    public OffsetDateTime shopifyUpdatedAt;
    @Column(name = "processed_at")
    public OffsetDateTime processedAt;
    @Column(name = "cancelled_at")
    public OffsetDateTime cancelledAt;
    @Column(name = "closed_at")
    public OffsetDateTime closedAt;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "shopify_payload")
    public JsonNode shopifyPayload;
    public boolean historical;
    @Column(name = "deleted_at")
    public OffsetDateTime deletedAt;
    @Column(name = "first_synced_at")
    public OffsetDateTime firstSyncedAt;
    @Column(name = "last_synced_at")
    public OffsetDateTime lastSyncedAt;
    @Column(name = "crm_notes")
    public String crmNotes;
    @Column(name = "crm_tags")
    public String[] crmTags;
    @Column(name = "crm_updated_at")
    public OffsetDateTime crmUpdatedAt;
}
