package com.crm.shopifysync.sync.customer;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/** A customer as the admin API returns it. */
public record CustomerView(
        String shopDomain,
        String id,
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
        Integer ordersCount,
        BigDecimal totalSpent,
        String totalSpentCurrency,
        String emailMarketingState,
        String emailMarketingOptInLevel,
        OffsetDateTime emailMarketingConsentUpdatedAt,
        String smsMarketingState,
        JsonNode defaultAddress,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt,
        boolean deleted,
        OffsetDateTime deletedAt,
        OffsetDateTime firstSyncedAt,
        OffsetDateTime lastSyncedAt,
        Crm crm,
        JsonNode shopifyPayload) {

    /** The CRM's own fields, never written by a sync. */
    public record Crm(String notes, List<String> tags, String owner, OffsetDateTime updatedAt) {
    }

    public static CustomerView of(CustomerEntity entity) {
        return new CustomerView(entity.shopDomain, String.valueOf(entity.shopifyId), entity.adminGraphqlApiId, entity.email,
                entity.firstName, entity.lastName, entity.phone, entity.state, list(entity.tags), entity.note,
                entity.verifiedEmail, entity.taxExempt, entity.ordersCount, entity.totalSpent, entity.totalSpentCurrency,
                entity.emailMarketingState, entity.emailMarketingOptInLevel, entity.emailMarketingConsentUpdatedAt,
                entity.smsMarketingState, entity.defaultAddress, entity.shopifyCreatedAt, entity.shopifyUpdatedAt,
                entity.deletedAt != null, entity.deletedAt, entity.firstSyncedAt, entity.lastSyncedAt,
                new Crm(entity.crmNotes, list(entity.crmTags), entity.crmOwner, entity.crmUpdatedAt), entity.shopifyPayload);
    }

    private static List<String> list(String[] values) {
        return values == null ? List.of() : List.of(values);
    }
}
