package com.crm.shopifysync.sync.order;

import static com.crm.shopifysync.sync.store.ColumnOwnership.ORDER_FRESHNESS;
import static com.crm.shopifysync.sync.store.ColumnOwnership.ORDER_SHOPIFY_OWNED;

import com.crm.shopifysync.sync.shopify.ShopifyOrder;
import com.crm.shopifysync.sync.store.ColumnOwnership.Column;
import com.crm.shopifysync.sync.store.CopyStaging;
import com.crm.shopifysync.sync.store.Deduplication;
import com.crm.shopifysync.sync.store.LastWriteWinsUpsert;
import com.crm.shopifysync.sync.store.RowsDocument;
import com.crm.shopifysync.sync.store.ShopResourceKey;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

@ApplicationScoped
public class OrderRepository implements PanacheRepositoryBase<OrderEntity, ShopResourceKey> {

    /** The line items of the orders that changed become exactly those of the winning version. */
    private static final String REPLACE_LINE_ITEMS = ", items AS (SELECT w.shop_domain, w.shopify_id AS order_shopify_id, item.* FROM winners w "
            + "JOIN applied a ON a.shop_domain = w.shop_domain AND a.shopify_id = w.shopify_id "
            + "CROSS JOIN LATERAL jsonb_to_recordset(w.line_items) AS item(line_item_id bigint, admin_graphql_api_id text, "
            + "product_id bigint, variant_id bigint, title text, variant_title text, sku text, vendor text, quantity integer, "
            + "price numeric, total_discount numeric)), "
            + "removed AS (DELETE FROM order_line_items stale USING applied a WHERE stale.shop_domain = a.shop_domain "
            + "AND stale.order_shopify_id = a.shopify_id AND NOT EXISTS (SELECT 1 FROM items i WHERE i.shop_domain = stale.shop_domain "
            + "AND i.order_shopify_id = stale.order_shopify_id AND i.line_item_id = stale.shopify_id)) "
            + "INSERT INTO order_line_items (shop_domain, order_shopify_id, shopify_id, admin_graphql_api_id, product_id, variant_id, "
            + "title, variant_title, sku, vendor, quantity, price, total_discount) "
            + "SELECT shop_domain, order_shopify_id, line_item_id, admin_graphql_api_id, product_id, variant_id, title, variant_title, "
            + "sku, vendor, quantity, price, total_discount FROM items "
            + "ON CONFLICT (shop_domain, order_shopify_id, shopify_id) DO UPDATE SET admin_graphql_api_id = EXCLUDED.admin_graphql_api_id, "
            + "product_id = EXCLUDED.product_id, variant_id = EXCLUDED.variant_id, title = EXCLUDED.title, "
            + "variant_title = EXCLUDED.variant_title, sku = EXCLUDED.sku, vendor = EXCLUDED.vendor, quantity = EXCLUDED.quantity, "
            + "price = EXCLUDED.price, total_discount = EXCLUDED.total_discount";

    /** What every order upsert writes: the Shopify-owned columns and when Shopify observed them. */
    public static final List<Column> WRITTEN = java.util.stream.Stream.concat(ORDER_SHOPIFY_OWNED.stream(), ORDER_FRESHNESS.stream()).toList();

    private static final LastWriteWinsUpsert UPSERT = new LastWriteWinsUpsert("orders", WRITTEN,
            List.of(new Column("line_items", "jsonb")), Optional.of(REPLACE_LINE_ITEMS));

    private static final List<Column> DELETION = List.of(new Column("shopify_payload", "jsonb"),
            new Column("shopify_payload_sha256", "text"), new Column("deleted_at", "timestamptz"));

    /**
     * orders/delete: the order is kept and flagged (hidden from active lists). A delete that arrives before the order
     * leaves a flagged placeholder, so the order stays deleted whatever arrives later; upserts never touch
     * {@code deleted_at}.
     */
    private static final String SOFT_DELETE = com.crm.shopifysync.sync.store.Sql.incomingRows(DELETION)
            + ", winners AS (SELECT DISTINCT ON (shop_domain, shopify_id) * FROM incoming WHERE " + com.crm.shopifysync.sync.store.Sql.IS_FRESH_EVENT
            + " ORDER BY shop_domain, shopify_id, deleted_at) "
            + "INSERT INTO orders AS existing (shop_domain, shopify_id, admin_graphql_api_id, shopify_payload, shopify_payload_sha256, deleted_at) "
            + "SELECT shop_domain, shopify_id, 'gid://shopify/Order/' || shopify_id, shopify_payload, shopify_payload_sha256, deleted_at "
            + "FROM winners ON CONFLICT (shop_domain, shopify_id) DO UPDATE SET "
            + "deleted_at = COALESCE(existing.deleted_at, EXCLUDED.deleted_at), last_synced_at = now()";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Line items of an ungrouped bulk export that came after their order's batch (JDBC parameters: the items as a JSON
     * array, the shop, the bulk operation): they join the order only while it still holds that export's version
     * ({@code line_items_source}); the ids that joined are returned.
     */
    public static final String ATTACH_LATE_LINE_ITEMS = "WITH items AS (SELECT * FROM json_to_recordset(CAST(? AS json)) "
            + "AS item(order_shopify_id bigint, line_item_id bigint, admin_graphql_api_id text, product_id bigint, variant_id bigint, "
            + "title text, variant_title text, sku text, vendor text, quantity integer, price numeric, total_discount numeric)) "
            + "INSERT INTO order_line_items (shop_domain, order_shopify_id, shopify_id, admin_graphql_api_id, product_id, variant_id, "
            + "title, variant_title, sku, vendor, quantity, price, total_discount) "
            + "SELECT o.shop_domain, i.order_shopify_id, i.line_item_id, i.admin_graphql_api_id, i.product_id, i.variant_id, i.title, "
            + "i.variant_title, i.sku, i.vendor, i.quantity, i.price, i.total_discount FROM items i JOIN orders o "
            + "ON o.shop_domain = ? AND o.shopify_id = i.order_shopify_id AND o.line_items_source = ? "
            + "ON CONFLICT (shop_domain, order_shopify_id, shopify_id) DO UPDATE SET admin_graphql_api_id = EXCLUDED.admin_graphql_api_id, "
            + "product_id = EXCLUDED.product_id, variant_id = EXCLUDED.variant_id, title = EXCLUDED.title, "
            + "variant_title = EXCLUDED.variant_title, sku = EXCLUDED.sku, vendor = EXCLUDED.vendor, quantity = EXCLUDED.quantity, "
            + "price = EXCLUDED.price, total_discount = EXCLUDED.total_discount RETURNING shopify_id";

    /** The bulk import's rows: COPY into this staging table, then {@link #BULK_UPSERT} from it. */
    public static final CopyStaging BULK_STAGING = new CopyStaging("bulk_orders",
            java.util.stream.Stream.concat(WRITTEN.stream(), java.util.stream.Stream.of(new Column("line_items", "jsonb"))).toList());
    public static final String BULK_UPSERT = LastWriteWinsUpsert.fromStaging(BULK_STAGING, "orders", WRITTEN,
            Optional.of(REPLACE_LINE_ITEMS));

    /** New orders of a bulk batch (none of them in the table yet) are copied straight in, and so are their line items. */
    public static final CopyStaging BULK_NEW_ORDERS = CopyStaging.direct("orders", WRITTEN);
    public static final CopyStaging BULK_NEW_LINE_ITEMS = CopyStaging.direct("order_line_items", List.of(
            new Column("order_shopify_id", "bigint"), new Column("admin_graphql_api_id", "text"), new Column("product_id", "bigint"),
            new Column("variant_id", "bigint"), new Column("title", "text"), new Column("variant_title", "text"),
            new Column("sku", "text"), new Column("vendor", "text"), new Column("quantity", "integer"),
            new Column("price", "numeric"), new Column("total_discount", "numeric")));

    /** An order's line items as rows of {@link #BULK_NEW_LINE_ITEMS} (keyed by the line item's id). */
    public static List<RowsDocument.Row> lineItemRows(String shopDomain, long orderId, List<ShopifyOrder.LineItem> items) {
        return items.stream().map(item -> {
            Map<String, Object> values = lineItemRow(item);
            values.remove("line_item_id");
            values.put("order_shopify_id", orderId);
            values.put("quantity", item.quantity() == null ? null : Math.toIntExact(item.quantity()));
            return new RowsDocument.Row(shopDomain, item.shopifyId(), values, Optional.<Deduplication>empty());
        }).toList();
    }

    /** Late line items as {@link #ATTACH_LATE_LINE_ITEMS} reads them. */
    public static String lateLineItemsJson(Map<Long, List<ShopifyOrder.LineItem>> itemsByOrder) {
        List<Map<String, Object>> rows = new java.util.ArrayList<>();
        itemsByOrder.forEach((orderId, items) -> items.forEach(item -> {
            Map<String, Object> row = lineItemRow(item);
            row.put("order_shopify_id", orderId);
            rows.add(row);
        }));
        try {
            return JSON.writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The upsert of these orders (last write wins; line items follow the winning version); none for no rows. */
    public static Optional<com.crm.shopifysync.sync.store.SetStatement> upsert(List<RowsDocument.Row> orders) {
        return UPSERT.statement(orders);
    }

    /** The soft delete of these orders. */
    public static Optional<com.crm.shopifysync.sync.store.SetStatement> softDelete(List<RowsDocument.Row> deletions) {
        return deletions.isEmpty() ? Optional.empty()
                : Optional.of(new com.crm.shopifysync.sync.store.SetStatement(SOFT_DELETE, RowsDocument.of(deletions, DELETION)));
    }

    public static RowsDocument.Row deletion(String shopDomain, long shopifyId, com.crm.shopifysync.sync.shopify.ShopifyPayload payload,
                                            java.time.OffsetDateTime deletedAt, Deduplication deduplication) {
        Map<String, Object> values = new HashMap<>();
        values.put("shopify_payload", payload.json());
        values.put("shopify_payload_sha256", payload.sha256());
        values.put("deleted_at", deletedAt);
        return new RowsDocument.Row(shopDomain, shopifyId, values, Optional.of(deduplication));
    }

    /**
     * @param observedAt      when Shopify produced this version (X-Shopify-Triggered-At, or the bulk export's start)
     * @param lineItemsSource the bulk operation whose export this version (and its line items) comes from; null for a
     *                        webhook
     */
    public static RowsDocument.Row row(String shopDomain, ShopifyOrder order, java.time.OffsetDateTime observedAt,
                                       Optional<Deduplication> deduplication, String lineItemsSource) {
        Map<String, Object> values = values(order);
        values.put("shopify_observed_at", observedAt);
        values.put("line_items", lineItemsJson(order.lineItems()));
        values.put("line_items_source", lineItemsSource);
        return new RowsDocument.Row(shopDomain, order.shopifyId(), values, deduplication);
    }

    public Uni<List<OrderEntity>> listByShop(String shopDomain, boolean includeDeleted, Page page) {
        return find(activeFilter(includeDeleted), Sort.by("shopifyCreatedAt", Sort.Direction.Descending).and("shopifyId"), shopDomain)
                .page(page).list();
    }

    public Uni<Long> countByShop(String shopDomain, boolean includeDeleted) {
        return count(activeFilter(includeDeleted), shopDomain);
    }

    private static String activeFilter(boolean includeDeleted) {
        return includeDeleted ? "shopDomain = ?1" : "shopDomain = ?1 and deletedAt is null";
    }

    /**
     * Every stored order of a customer, deleted ones too, oldest first: those linked to the customer, and those listed in
     * {@code alsoOrders} (Shopify names a customer's orders in a data request; an order placed as a guest is linked to no
     * customer).
     */
    public Uni<List<OrderEntity>> ofCustomer(String shopDomain, long customerId, List<Long> alsoOrders) {
        Sort oldestFirst = Sort.by("shopifyCreatedAt").and("shopifyId");
        return alsoOrders.isEmpty()
                ? list("shopDomain = ?1 and customerShopifyId = ?2", oldestFirst, shopDomain, customerId)
                : list("shopDomain = ?1 and (customerShopifyId = ?2 or shopifyId in ?3)", oldestFirst, shopDomain, customerId, alsoOrders);
    }

    public Uni<List<OrderLineItemEntity>> lineItems(String shopDomain, List<Long> orderIds) {
        if (orderIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return OrderLineItemEntity.<OrderLineItemEntity>find("shopDomain = ?1 and orderShopifyId in ?2",
                Sort.by("orderShopifyId").and("shopifyId"), shopDomain, orderIds).list();
    }

    private static String lineItemsJson(List<ShopifyOrder.LineItem> lineItems) {
        List<Map<String, Object>> rows = lineItems.stream().map(OrderRepository::lineItemRow).toList();
        try {
            return JSON.writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> lineItemRow(ShopifyOrder.LineItem item) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("line_item_id", item.shopifyId());
        row.put("admin_graphql_api_id", item.adminGraphqlApiId());
        row.put("product_id", item.productId());
        row.put("variant_id", item.variantId());
        row.put("title", item.title());
        row.put("variant_title", item.variantTitle());
        row.put("sku", item.sku());
        row.put("vendor", item.vendor());
        row.put("quantity", item.quantity());
        row.put("price", item.price());
        row.put("total_discount", item.totalDiscount());
        return row;
    }

    private static Map<String, Object> values(ShopifyOrder order) {
        Map<String, Object> values = new HashMap<>();
        values.put("admin_graphql_api_id", order.adminGraphqlApiId());
        values.put("name", order.name());
        values.put("order_number", order.orderNumber());
        values.put("email", order.email());
        values.put("customer_shopify_id", order.customerShopifyId());
        values.put("financial_status", order.financialStatus());
        values.put("fulfillment_status", order.fulfillmentStatus());
        values.put("currency", order.currency());
        values.put("total_price", order.totalPrice());
        values.put("subtotal_price", order.subtotalPrice());
        values.put("total_tax", order.totalTax());
        values.put("total_discounts", order.totalDiscounts());
        values.put("tags", order.tags());
        values.put("cancel_reason", order.cancelReason());
        values.put("shopify_created_at", order.createdAt());
        values.put("shopify_updated_at", order.updatedAt());
        values.put("processed_at", order.processedAt());
        values.put("cancelled_at", order.cancelledAt());
        values.put("closed_at", order.closedAt());
        values.put("shopify_payload", order.payload().json());
        values.put("shopify_payload_sha256", order.payload().sha256());
        return values;
    }
}
