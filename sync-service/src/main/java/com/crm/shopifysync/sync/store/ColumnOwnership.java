package com.crm.shopifysync.sync.store;

import com.crm.shopifysync.sync.shopify.CustomerField;
import java.util.List;
import java.util.stream.Stream;

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

    /** Every customer field Shopify owns ({@link CustomerField}), with the customer's GID and its latest core payload. */
    public static final List<Column> CUSTOMER_SHOPIFY_OWNED = Stream.concat(Stream.concat(
                    Stream.of(new Column("admin_graphql_api_id", "text")),
                    Stream.of(CustomerField.values()).map(field -> new Column(field.column(), field.sqlType()))),
            Stream.of(new Column("shopify_payload", "jsonb"), new Column("shopify_payload_sha256", "text"))).toList();

    /**
     * When Shopify observed what the row holds of each field group, and the tags' per-tag versions: written by every
     * upsert beside the Shopify-owned columns, to decide which of two versions of a group is newer.
     */
    public static final List<Column> CUSTOMER_FRESHNESS = Stream.concat(
            Stream.of(CustomerField.Group.values()).map(group -> new Column(group.observedColumn(), "timestamptz")),
            Stream.of(new Column("tag_versions", "jsonb"))).toList();

    public static final List<String> CUSTOMER_SYNC_STATE = Stream.concat(CUSTOMER_FRESHNESS.stream().map(Column::name),
            Stream.of("deleted_at", "first_synced_at", "last_synced_at")).toList();

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

    /** When Shopify observed the version held (X-Shopify-Triggered-At, or the bulk export's start): a same-second tie-break. */
    public static final List<Column> ORDER_FRESHNESS = List.of(new Column("shopify_observed_at", "timestamptz"));

    public static final List<String> ORDER_SYNC_STATE = List.of("shopify_observed_at", "deleted_at", "historical", "first_synced_at",
            "last_synced_at");

    public static final List<String> ORDER_CRM_OWNED = List.of("crm_notes", "crm_tags", "crm_updated_at");

    private ColumnOwnership() {
    }
}
