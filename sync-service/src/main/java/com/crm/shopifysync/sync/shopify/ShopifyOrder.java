package com.crm.shopifysync.sync.shopify;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/** An order's Shopify-owned fields and line items, the same whichever shape it came from. */
public record ShopifyOrder(
        long shopifyId,
        String adminGraphqlApiId,
        String name,
        Long orderNumber,
        String email,
        Long customerShopifyId,
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
        List<LineItem> lineItems,
        ShopifyPayload payload) {

    public record LineItem(
            long shopifyId,
            String adminGraphqlApiId,
            Long productId,
            Long variantId,
            String title,
            String variantTitle,
            String sku,
            String vendor,
            Long quantity,
            BigDecimal price,
            BigDecimal totalDiscount) {
    }
}
