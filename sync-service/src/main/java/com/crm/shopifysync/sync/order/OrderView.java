package com.crm.shopifysync.sync.order;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/** An order as the admin API returns it, with its line items. */
public record OrderView(
        String shopDomain,
        String id,
        String adminGraphqlApiId,
        String name,
        Long orderNumber,
        String email,
        String customerId,
        String financialStatus,
        String fulfillmentStatus,
        String currency,
        BigDecimal totalPrice,
        BigDecimal subtotalPrice,
        BigDecimal totalTax,
        BigDecimal totalDiscounts,
        List<String> tags,
        String cancelReason,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt,
        OffsetDateTime processedAt,
        OffsetDateTime cancelledAt,
        OffsetDateTime closedAt,
        boolean historical,
        boolean deleted,
        OffsetDateTime deletedAt,
        OffsetDateTime firstSyncedAt,
        OffsetDateTime lastSyncedAt,
        List<LineItemView> lineItems,
        Crm crm,
        JsonNode shopifyPayload) {

    /** The CRM's own fields, never written by a sync. */
    public record Crm(String notes, List<String> tags, OffsetDateTime updatedAt) {
    }

    public record LineItemView(String id, String adminGraphqlApiId, String productId, String variantId, String title,
                               String variantTitle, String sku, String vendor, Integer quantity, BigDecimal price,
                               BigDecimal totalDiscount) {

        static LineItemView of(OrderLineItemEntity item) {
            return new LineItemView(String.valueOf(item.shopifyId), item.adminGraphqlApiId, text(item.productId),
                    text(item.variantId), item.title, item.variantTitle, item.sku, item.vendor, item.quantity, item.price,
                    item.totalDiscount);
        }
    }

    public static OrderView of(OrderEntity order, List<OrderLineItemEntity> lineItems) {
        return new OrderView(order.shopDomain, String.valueOf(order.shopifyId), order.adminGraphqlApiId, order.name,
                order.orderNumber, order.email, text(order.customerShopifyId), order.financialStatus, order.fulfillmentStatus,
                order.currency, order.totalPrice, order.subtotalPrice, order.totalTax, order.totalDiscounts,
                order.tags == null ? List.of() : List.of(order.tags), order.cancelReason, order.shopifyCreatedAt,
                order.shopifyUpdatedAt, order.processedAt, order.cancelledAt, order.closedAt, order.historical,
                order.deletedAt != null, order.deletedAt, order.firstSyncedAt, order.lastSyncedAt,
                lineItems.stream().map(LineItemView::of).toList(),
                new Crm(order.crmNotes, order.crmTags == null ? List.of() : List.of(order.crmTags), order.crmUpdatedAt), order.shopifyPayload);
    }

    /** 64-bit ids travel as strings: JavaScript clients would round them as numbers. */
    private static String text(Long id) {
        return id == null ? null : String.valueOf(id);
    }
}
