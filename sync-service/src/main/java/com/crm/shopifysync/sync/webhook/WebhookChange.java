package com.crm.shopifysync.sync.webhook;

import com.crm.shopifysync.model.WebhookDelivery;
import com.crm.shopifysync.sync.shopify.ShopifyCustomer;
import com.crm.shopifysync.sync.shopify.ShopifyMapper;
import com.crm.shopifysync.sync.shopify.ShopifyOrder;
import com.crm.shopifysync.sync.shopify.ShopifyPayload;
import com.crm.shopifysync.sync.shopify.UnmappablePayloadException;
import com.crm.shopifysync.sync.store.Deduplication;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** What one webhook asks of the database, decoded and mapped before any I/O. */
sealed interface WebhookChange {

    WebhookDelivery delivery();

    default Deduplication deduplication() {
        return new Deduplication(delivery().topic(), delivery().deduplicationKey());
    }

    record CustomerUpsert(WebhookDelivery delivery, ShopifyCustomer customer) implements WebhookChange {
    }

    record CustomerDeletion(WebhookDelivery delivery, long shopifyId, ShopifyPayload payload, OffsetDateTime deletedAt)
            implements WebhookChange {
    }

    record OrderUpsert(WebhookDelivery delivery, ShopifyOrder order) implements WebhookChange {
    }

    /** A bulk operation ended (bulk_operations/finish): no row changes; a sync polling it looks at once. */
    record BulkOperationFinished(WebhookDelivery delivery, String bulkOperationId) implements WebhookChange {
    }

    /**
     * Decodes a delivery.
     *
     * @throws UnmappablePayloadException for what can never be applied: an unsupported topic, malformed
     *                                    JSON, a payload without an id or with unparseable values
     */
    static WebhookChange decode(WebhookDelivery delivery, byte[] body) {
        ShopifyPayload payload = ShopifyPayload.of(body);
        return switch (delivery.topic()) {
            case "customers/create", "customers/update" ->
                    new CustomerUpsert(delivery, ShopifyMapper.customer(ShopifyMapper.parse(body), payload));
            case "customers/delete" -> {
                JsonNode json = ShopifyMapper.parse(body);
                yield new CustomerDeletion(delivery, ShopifyMapper.customerId(json), payload, deletedAt(delivery));
            }
            case "orders/create", "orders/updated" ->
                    new OrderUpsert(delivery, ShopifyMapper.order(ShopifyMapper.parse(body), payload));
            case "bulk_operations/finish" -> {
                JsonNode json = ShopifyMapper.parse(body);
                String id = json.path("admin_graphql_api_id").asText("");
                if (!id.startsWith("gid://shopify/BulkOperation/")) {
                    throw new UnmappablePayloadException("bulk_operations/finish without a BulkOperation id");
                }
                yield new BulkOperationFinished(delivery, id);
            }
            default -> throw new UnmappablePayloadException("unsupported topic " + delivery.topic());
        };
    }

    /** When Shopify raised the deletion, or when we received it if Shopify did not say. */
    private static OffsetDateTime deletedAt(WebhookDelivery delivery) {
        try {
            return delivery.triggeredAt().map(OffsetDateTime::parse)
                    .orElse(delivery.receivedAt().atOffset(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return delivery.receivedAt().atOffset(ZoneOffset.UTC);
        }
    }
}
