package com.crm.shopifysync.sync.shopify;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/** A customer's Shopify-owned fields, the same whichever shape (webhook or bulk export) it came from. */
public record ShopifyCustomer(
        long shopifyId,
        String adminGraphqlApiId,
        String email,
        String firstName,
        String lastName,
        String phone,
        String state,
        List<String> tags,
        String note,
        Boolean verifiedEmail,
        Boolean taxExempt,
        Long ordersCount,
        BigDecimal totalSpent,
        String totalSpentCurrency,
        String emailMarketingState,
        String emailMarketingOptInLevel,
        OffsetDateTime emailMarketingConsentUpdatedAt,
        String smsMarketingState,
        String defaultAddressJson,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt,
        ShopifyPayload payload) {
}
