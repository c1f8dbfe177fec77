package com.crm.shopifysync.sync.shopify;

import static com.crm.shopifysync.sync.shopify.ShopifyJson.children;
import static com.crm.shopifysync.sync.shopify.ShopifyJson.decimal;
import static com.crm.shopifysync.sync.shopify.ShopifyJson.field;
import static com.crm.shopifysync.sync.shopify.ShopifyJson.gid;
import static com.crm.shopifysync.sync.shopify.ShopifyJson.lowerCase;
import static com.crm.shopifysync.sync.shopify.ShopifyJson.reference;
import static com.crm.shopifysync.sync.shopify.ShopifyJson.requiredId;
import static com.crm.shopifysync.sync.shopify.ShopifyJson.tags;
import static com.crm.shopifysync.sync.shopify.ShopifyJson.text;
import static com.crm.shopifysync.sync.shopify.ShopifyJson.timestamp;
import static com.crm.shopifysync.sync.shopify.ShopifyJson.wholeNumber;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import com.crm.shopifysync.model.ResourceIds;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one mapping from Shopify data to our rows, for REST-shaped webhooks and GraphQL-shaped bulk
 * exports alike: the same customer from either lands on the same row with the same values.
 */
public final class ShopifyMapper {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ShopifyMapper() {
    }

    public static JsonNode parse(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new UnmappablePayloadException("payload is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new UnmappablePayloadException("malformed JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UnmappablePayloadException("unreadable JSON: " + e.getMessage(), e);
        }
    }

    /** A customer payload: every field it carries, read by its definition ({@link CustomerField}). */
    public static ShopifyCustomer customer(JsonNode node, ShopifyPayload payload) {
        return customerPart(requiredId(node, "customer"), node, EnumSet.allOf(CustomerField.Group.class), payload);
    }

    /**
     * The fields of {@code groups} a payload carries, of the customer it names: a topic that carries one part of a
     * customer (its consent, its purchasing figures) changes that part only.
     */
    public static ShopifyCustomer customerPart(long customerId, JsonNode node, Set<CustomerField.Group> groups, ShopifyPayload payload) {
        Map<CustomerField, Object> values = new EnumMap<>(CustomerField.class);
        Set<CustomerField.Group> carried = EnumSet.noneOf(CustomerField.Group.class);
        for (CustomerField field : CustomerField.values()) {
            if (groups.contains(field.group()) && field.isIn(node)) {
                values.put(field, field.read(node));
                if (field.marksItsGroup()) {
                    carried.add(field.group());
                }
            }
        }
        return new ShopifyCustomer(customerId, values, carried, payload);
    }

    /**
     * The customer a payload is about: its GID ({@code admin_graphql_api_id}, or {@code customerId} in the topics
     * shaped like GraphQL), else the numeric {@code customer_id}, else {@code id}.
     */
    public static long customerReference(JsonNode node) {
        return field(node, "customerId").flatMap(gid -> ResourceIds.fromGid(gid.asText()))
                .or(() -> field(node, "customer_id").filter(JsonNode::isIntegralNumber).map(JsonNode::longValue))
                .or(() -> ShopifyJson.id(node))
                .orElseThrow(() -> new UnmappablePayloadException("the payload names no customer"));
    }

    /** The id of a customer payload that carries nothing else (customers/delete). */
    public static long customerId(JsonNode node) {
        return requiredId(node, "customer");
    }

    /** The id of an order payload that carries nothing else (orders/delete). */
    public static long orderId(JsonNode node) {
        return requiredId(node, "order");
    }

    public static ShopifyOrder order(JsonNode node, ShopifyPayload payload) {
        return order(node, payload, children(node, "line_items", "lineItems"));
    }

    /** An order whose line items come separately: a bulk export's child lines ({@code __parentId}). */
    public static ShopifyOrder order(JsonNode node, ShopifyPayload payload, List<JsonNode> lineItemNodes) {
        long id = requiredId(node, "order");
        List<ShopifyOrder.LineItem> lineItems = lineItemNodes.stream().map(ShopifyMapper::lineItem).toList();
        return new ShopifyOrder(
                id,
                gid("Order", id),
                text(node, "name"),
                orderNumber(node),
                text(node, "email"),
                field(node, "customer").flatMap(ShopifyJson::id).orElse(null),
                lowerCase(node, "financial_status", "displayFinancialStatus"),
                lowerCase(node, "fulfillment_status", "displayFulfillmentStatus"),
                text(node, "currency", "currencyCode"),
                decimal(node, "total_price", "totalPriceSet.shopMoney.amount"),
                decimal(node, "subtotal_price", "subtotalPriceSet.shopMoney.amount"),
                decimal(node, "total_tax", "totalTaxSet.shopMoney.amount"),
                decimal(node, "total_discounts", "totalDiscountsSet.shopMoney.amount"),
                tags(node, "tags"),
                lowerCase(node, "cancel_reason", "cancelReason"),
                timestamp(node, "created_at", "createdAt"),
                timestamp(node, "updated_at", "updatedAt"),
                timestamp(node, "processed_at", "processedAt"),
                timestamp(node, "cancelled_at", "cancelledAt"),
                timestamp(node, "closed_at", "closedAt"),
                lineItems,
                payload);
    }

    /** REST's order_number; GraphQL has {@code number}, and Shopify documents order_number as number + 1000. */
    private static Long orderNumber(JsonNode node) {
        Long orderNumber = wholeNumber(node, "order_number");
        if (orderNumber != null) {
            return orderNumber;
        }
        Long number = wholeNumber(node, "number");
        return number == null ? null : number + 1000;
    }

    public static ShopifyOrder.LineItem lineItem(JsonNode node) {
        long id = requiredId(node, "line item");
        return new ShopifyOrder.LineItem(
                id,
                gid("LineItem", id),
                reference(node, "product_id", "product"),
                reference(node, "variant_id", "variant"),
                text(node, "title", "name"),
                text(node, "variant_title", "variantTitle"),
                text(node, "sku"),
                text(node, "vendor"),
                wholeNumber(node, "quantity"),
                decimal(node, "price", "originalUnitPriceSet.shopMoney.amount"),
                decimal(node, "total_discount", "totalDiscountSet.shopMoney.amount"));
    }
}
