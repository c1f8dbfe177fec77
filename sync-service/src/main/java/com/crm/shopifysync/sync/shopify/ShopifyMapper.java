package com.crm.shopifysync.sync.shopify;

import static com.crm.shopifysync.sync.shopify.ShopifyJson.bool;
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
import java.util.List;

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

    public static ShopifyCustomer customer(JsonNode node, ShopifyPayload payload) {
        long id = requiredId(node, "customer");
        return new ShopifyCustomer(
                id,
                gid("Customer", id),
                text(node, "email", "defaultEmailAddress.emailAddress"),
                text(node, "first_name", "firstName"),
                text(node, "last_name", "lastName"),
                text(node, "phone", "defaultPhoneNumber.phoneNumber"),
                lowerCase(node, "state"),
                tags(node, "tags"),
                text(node, "note"),
                bool(node, "verified_email", "verifiedEmail"),
                bool(node, "tax_exempt", "taxExempt"),
                wholeNumber(node, "orders_count", "numberOfOrders"),
                decimal(node, "total_spent", "amountSpent.amount"),
                text(node, "currency", "amountSpent.currencyCode"),
                lowerCase(node, "email_marketing_consent.state", "emailMarketingConsent.marketingState",
                        "defaultEmailAddress.marketingState"),
                lowerCase(node, "email_marketing_consent.opt_in_level", "emailMarketingConsent.marketingOptInLevel",
                        "defaultEmailAddress.marketingOptInLevel"),
                timestamp(node, "email_marketing_consent.consent_updated_at", "emailMarketingConsent.consentUpdatedAt",
                        "defaultEmailAddress.marketingUpdatedAt"),
                lowerCase(node, "sms_marketing_consent.state", "smsMarketingConsent.marketingState",
                        "defaultPhoneNumber.marketingState"),
                field(node, "default_address", "defaultAddress").map(ShopifyMapper::write).orElse(null),
                timestamp(node, "created_at", "createdAt"),
                timestamp(node, "updated_at", "updatedAt"),
                payload);
    }

    /** The id of a customer payload that carries nothing else (customers/delete). */
    public static long customerId(JsonNode node) {
        return requiredId(node, "customer");
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

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
