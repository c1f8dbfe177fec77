package com.crm.shopifysync.sync.store;

import java.util.List;

/**
 * Who owns each column of {@code customers} and {@code orders}: the one place this is written down.
 * A sync (webhook or bulk) writes only {@code *_SHOPIFY_OWNED} columns through the upserts built from
 * these lists; {@code *_CRM_OWNED} columns belong to the CRM's users and no sync ever writes them;
 * {@code *_SYNC_STATE} columns are kept by the sync itself (soft delete, bookkeeping, cutover).
 * A test checks that every column of both tables is listed exactly once.
 */
public final class ColumnOwnership {

    /** A column and its SQL type (values of jsonb columns are JSON text; of arrays, lists). */
    public record Column(String name, String sqlType) {
    }

    public static final List<String> KEY = List.of("shop_domain", "shopify_id");

    public static final List<Column> CUSTOMER_SHOPIFY_OWNED = List.of(
            new Column("admin_graphql_api_id", "text"),
            new Column("email", "text"),
            new Column("first_name", "text"),
            new Column("last_name", "text"),
            new Column("phone", "text"),
            new Column("state", "text"),
            new Column("tags", "text[]"),
            new Column("note", "text"),
            new Column("verified_email", "boolean"),
            new Column("tax_exempt", "boolean"),
            new Column("orders_count", "integer"),
            new Column("total_spent", "numeric"),
            new Column("total_spent_currency", "text"),
            new Column("email_marketing_state", "text"),
            new Column("email_marketing_opt_in_level", "text"),
            new Column("email_marketing_consent_updated_at", "timestamptz"),
            new Column("sms_marketing_state", "text"),
            new Column("default_address", "jsonb"),
            new Column("shopify_created_at", "timestamptz"),
            new Column("shopify_updated_at", "timestamptz"),
            new Column("shopify_payload", "jsonb"),
            new Column("shopify_payload_sha256", "text"));

    public static final List<String> CUSTOMER_SYNC_STATE = List.of("deleted_at", "first_synced_at", "last_synced_at");

    public static final List<String> CUSTOMER_CRM_OWNED = List.of("crm_notes", "crm_tags", "crm_owner", "crm_updated_at");

    public static final List<Column> ORDER_SHOPIFY_OWNED = List.of(
            new Column("admin_graphql_api_id", "text"),
            new Column("name", "text"),
            new Column("order_number", "bigint"),
            new Column("email", "text"),
            new Column("customer_shopify_id", "bigint"),
            new Column("financial_status", "text"),
            new Column("fulfillment_status", "text"),
            new Column("currency", "text"),
            new Column("total_price", "numeric"),
            new Column("subtotal_price", "numeric"),
            new Column("total_tax", "numeric"),
            new Column("total_discounts", "numeric"),
            new Column("tags", "text[]"),
            new Column("cancel_reason", "text"),
            new Column("shopify_created_at", "timestamptz"),
            new Column("shopify_updated_at", "timestamptz"),
            new Column("processed_at", "timestamptz"),
            new Column("cancelled_at", "timestamptz"),
            new Column("closed_at", "timestamptz"),
            new Column("shopify_payload", "jsonb"),
            new Column("shopify_payload_sha256", "text"),
            // which bulk operation's export supplied the line items of this version (null: a webhook did)
            new Column("line_items_source", "text"));

    public static final List<String> ORDER_SYNC_STATE = List.of("historical", "first_synced_at", "last_synced_at");

    public static final List<String> ORDER_CRM_OWNED = List.of("crm_notes", "crm_tags", "crm_updated_at");

    private ColumnOwnership() {
    }
}
