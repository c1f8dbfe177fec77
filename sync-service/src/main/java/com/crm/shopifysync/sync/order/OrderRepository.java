package com.crm.shopifysync.sync.order;

import static com.crm.shopifysync.sync.store.ColumnOwnership.ORDER_SHOPIFY_OWNED;

import com.crm.shopifysync.sync.shopify.ShopifyOrder;
import com.crm.shopifysync.sync.store.Deduplication;
import com.crm.shopifysync.sync.store.LastWriteWinsUpsert;
import com.crm.shopifysync.sync.store.ShopResourceKey;
import com.crm.shopifysync.sync.store.Sql;
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
import org.hibernate.reactive.mutiny.Mutiny;

@ApplicationScoped
public class OrderRepository implements PanacheRepositoryBase<OrderEntity, ShopResourceKey> {

    private static final LastWriteWinsUpsert UPSERT = new LastWriteWinsUpsert("orders", ORDER_SHOPIFY_OWNED);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Makes the order's line items exactly the given ones (JSON array): upserts them, removes the rest. */
    private static final String REPLACE_LINE_ITEMS = "WITH incoming AS (SELECT * FROM jsonb_to_recordset(" + Sql.fromText(":items", "jsonb") + ") AS item("
            + "shopify_id bigint, admin_graphql_api_id text, product_id bigint, variant_id bigint, title text, "
            + "variant_title text, sku text, vendor text, quantity integer, price numeric, total_discount numeric)), "
            + "removed AS (DELETE FROM order_line_items stale WHERE stale.shop_domain = CAST(:shop_domain AS text) "
            + "AND stale.order_shopify_id = CAST(:order_id AS bigint) AND stale.shopify_id NOT IN (SELECT shopify_id FROM incoming)) "
            + "INSERT INTO order_line_items (shop_domain, order_shopify_id, shopify_id, admin_graphql_api_id, product_id, variant_id, "
            + "title, variant_title, sku, vendor, quantity, price, total_discount) "
            + "SELECT CAST(:shop_domain AS text), CAST(:order_id AS bigint), shopify_id, admin_graphql_api_id, product_id, variant_id, "
            + "title, variant_title, sku, vendor, quantity, price, total_discount FROM incoming "
            + "ON CONFLICT (shop_domain, order_shopify_id, shopify_id) DO UPDATE SET admin_graphql_api_id = EXCLUDED.admin_graphql_api_id, "
            + "product_id = EXCLUDED.product_id, variant_id = EXCLUDED.variant_id, title = EXCLUDED.title, "
            + "variant_title = EXCLUDED.variant_title, sku = EXCLUDED.sku, vendor = EXCLUDED.vendor, quantity = EXCLUDED.quantity, "
            + "price = EXCLUDED.price, total_discount = EXCLUDED.total_discount";

    /** Applies the order if it is newer than what is stored; its line items follow the winning version. */
    public Uni<Boolean> upsert(String shopDomain, ShopifyOrder order, Optional<Deduplication> deduplication) {
        return getSession().chain(session -> UPSERT.execute(session, shopDomain, order.shopifyId(), values(order), deduplication)
                .call(applied -> applied ? replaceLineItems(session, shopDomain, order) : Uni.createFrom().voidItem()));
    }

    public Uni<List<OrderEntity>> listByShop(String shopDomain, Page page) {
        return find("shopDomain", Sort.by("shopifyCreatedAt", Sort.Direction.Descending).and("shopifyId"), shopDomain).page(page).list();
    }

    public Uni<Long> countByShop(String shopDomain) {
        return count("shopDomain", shopDomain);
    }

    public Uni<List<OrderLineItemEntity>> lineItems(String shopDomain, List<Long> orderIds) {
        if (orderIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return OrderLineItemEntity.<OrderLineItemEntity>find("shopDomain = ?1 and orderShopifyId in ?2",
                Sort.by("orderShopifyId").and("shopifyId"), shopDomain, orderIds).list();
    }

    private static Uni<Integer> replaceLineItems(Mutiny.Session session, String shopDomain, ShopifyOrder order) {
        return session.createNativeQuery(REPLACE_LINE_ITEMS)
                .setParameter("items", lineItemsJson(order.lineItems()))
                .setParameter("shop_domain", shopDomain)
                .setParameter("order_id", order.shopifyId())
                .executeUpdate();
    }

    private static String lineItemsJson(List<ShopifyOrder.LineItem> lineItems) {
        List<Map<String, Object>> rows = lineItems.stream().map(item -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("shopify_id", item.shopifyId());
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
        }).toList();
        try {
            return JSON.writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
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
        values.put("tags", Sql.textArray(order.tags()));
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
