package com.crm.shopifysync.sync.shopify;

import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * What a payload says of a customer, the same whichever shape (webhook or bulk export) it came in: the value of every
 * field it carries (a field it does not carry is absent, never null), and the field groups it carries.
 */
public record ShopifyCustomer(long shopifyId, Map<CustomerField, Object> values, Set<CustomerField.Group> groups, ShopifyPayload payload) {

    public ShopifyCustomer {
        values = Collections.unmodifiableMap(values);
        groups = Collections.unmodifiableSet(groups);
    }

    public String adminGraphqlApiId() {
        return ShopifyJson.gid("Customer", shopifyId);
    }

    public boolean carries(CustomerField field) {
        return values.containsKey(field);
    }

    /** The field's value; null when the payload carries it as null or does not carry it ({@link #carries}). */
    public Object value(CustomerField field) {
        return values.get(field);
    }

    public OffsetDateTime updatedAt() {
        return (OffsetDateTime) values.get(CustomerField.SHOPIFY_UPDATED_AT);
    }
}
