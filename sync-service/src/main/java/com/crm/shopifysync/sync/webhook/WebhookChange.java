package com.crm.shopifysync.sync.webhook;

import com.crm.shopifysync.model.WebhookDelivery;
import com.crm.shopifysync.model.WebhookHeaders;
import com.crm.shopifysync.sync.shopify.CustomerField;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** What one webhook asks of the database, decoded and mapped before any I/O. */
sealed interface WebhookChange {

    WebhookDelivery delivery();

    default Deduplication deduplication() {
        return new Deduplication(delivery().topic(), delivery().deduplicationKey());
    }

    /**
     * customers/create, customers/update: the fields the payload carries (since API 2025-01 not the tags, consent or
     * purchasing figures), observed by Shopify at {@code observedAt}.
     */
    record CustomerUpsert(WebhookDelivery delivery, ShopifyCustomer customer, OffsetDateTime observedAt) implements WebhookChange {
    }

    record CustomerDeletion(WebhookDelivery delivery, long shopifyId, ShopifyPayload payload, OffsetDateTime deletedAt)
            implements WebhookChange {
    }

    /** customer.tags_added, customer.tags_removed: these tags, added or removed at {@code at}. */
    record CustomerTags(WebhookDelivery delivery, long customerId, List<String> tags, boolean added, OffsetDateTime at)
            implements WebhookChange {
    }

    /** A topic that carries one group of a customer's fields: its email or SMS consent, its purchasing figures. */
    record CustomerGroup(WebhookDelivery delivery, ShopifyCustomer part, CustomerField.Group group, OffsetDateTime at)
            implements WebhookChange {
    }

    record OrderUpsert(WebhookDelivery delivery, ShopifyOrder order, OffsetDateTime observedAt) implements WebhookChange {
    }

    /** orders/delete: the order is deleted in Shopify. */
    record OrderDeletion(WebhookDelivery delivery, long shopifyId, ShopifyPayload payload, OffsetDateTime deletedAt)
            implements WebhookChange {
    }

    /** A bulk operation ended (bulk_operations/finish): no row changes; a sync polling it looks at once. */
    record BulkOperationFinished(WebhookDelivery delivery, String bulkOperationId) implements WebhookChange {
    }

    /** The gateway refused the shop's webhooks for a while: a catch-up sync is asked for (no row changes here). */
    record CatchUpRequested(WebhookDelivery delivery, String reason) implements WebhookChange {
    }

    /** app/uninstalled: the shop disconnected the app at {@code at}; its tokens are revoked. */
    record AppUninstalled(WebhookDelivery delivery, OffsetDateTime at) implements WebhookChange {
    }

    /**
     * customers/redact: erase the customer's personal data and that of the listed orders. {@code email} and
     * {@code phone} (as Shopify sends them) find the dead letters about the customer that are not JSON; they are not stored.
     */
    record CustomerRedaction(WebhookDelivery delivery, long customerId, List<Long> orderIds, String email, String phone,
                             OffsetDateTime requestedAt) implements WebhookChange {
    }

    /** customers/data_request: the merchant must send the customer what the CRM holds about them. */
    record DataRequest(WebhookDelivery delivery, long requestId, long customerId, List<Long> orderIds, OffsetDateTime requestedAt)
            implements WebhookChange {
    }

    /** shop/redact: erase every row of the shop (about 48 hours after an uninstall). */
    record ShopRedaction(WebhookDelivery delivery, OffsetDateTime requestedAt) implements WebhookChange {
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
                    new CustomerUpsert(delivery, ShopifyMapper.customer(ShopifyMapper.parse(body), payload), observedAt(delivery));
            case "customers/delete" -> {
                JsonNode json = ShopifyMapper.parse(body);
                yield new CustomerDeletion(delivery, ShopifyMapper.customerId(json), payload, observedAt(delivery));
            }
            case "customer.tags_added", "customer.tags_removed" -> {
                JsonNode json = ShopifyMapper.parse(body);
                List<String> tags = new ArrayList<>();
                json.path("tags").forEach(tag -> tags.add(tag.asText().strip()));
                tags.removeIf(String::isEmpty);
                yield new CustomerTags(delivery, ShopifyMapper.customerReference(json), tags,
                        delivery.topic().equals("customer.tags_added"), occurredAt(json, delivery));
            }
            case "customers_email_marketing_consent/update" -> group(delivery, body, payload, CustomerField.Group.EMAIL_CONSENT);
            case "customers_marketing_consent/update" -> group(delivery, body, payload, CustomerField.Group.SMS_CONSENT);
            case "customers/purchasing_summary" -> group(delivery, body, payload, CustomerField.Group.PURCHASING);
            case "orders/create", "orders/updated" ->
                    new OrderUpsert(delivery, ShopifyMapper.order(ShopifyMapper.parse(body), payload), observedAt(delivery));
            case "orders/delete" -> new OrderDeletion(delivery, ShopifyMapper.orderId(ShopifyMapper.parse(body)), payload, observedAt(delivery));
            case "bulk_operations/finish" -> {
                JsonNode json = ShopifyMapper.parse(body);
                String id = json.path("admin_graphql_api_id").asText("");
                if (!id.startsWith("gid://shopify/BulkOperation/")) {
                    throw new UnmappablePayloadException("bulk_operations/finish without a BulkOperation id");
                }
                yield new BulkOperationFinished(delivery, id);
            }
            case WebhookHeaders.CATCH_UP_TOPIC -> {
                JsonNode json = ShopifyMapper.parse(body);
                yield new CatchUpRequested(delivery, json.path("reason").asText("the gateway asked for it") + " from "
                        + json.path("from").asText("?") + " to " + json.path("to").asText("?"));
            }
            case "app/uninstalled" -> {
                // the shop object: it names the shop it is about
                String named = ShopifyMapper.parse(body).path("myshopify_domain").asText("");
                if (!named.equalsIgnoreCase(delivery.shopDomain())) {
                    throw new UnmappablePayloadException("app/uninstalled names the shop '" + named + "', not " + delivery.shopDomain());
                }
                yield new AppUninstalled(delivery, notAfterReceipt(delivery));
            }
            case "customers/redact" -> {
                JsonNode json = compliancePayload(delivery, body);
                JsonNode customer = json.path("customer");
                yield new CustomerRedaction(delivery, ShopifyMapper.customerId(customer), ids(json, "orders_to_redact"),
                        customer.path("email").asText(""), customer.path("phone").asText(""), observedAt(delivery));
            }
            case "customers/data_request" -> {
                JsonNode json = compliancePayload(delivery, body);
                JsonNode request = json.path("data_request").path("id");
                if (!request.isIntegralNumber()) {
                    throw new UnmappablePayloadException("customers/data_request without a data_request id");
                }
                yield new DataRequest(delivery, request.longValue(), ShopifyMapper.customerId(json.path("customer")),
                        ids(json, "orders_requested"), observedAt(delivery));
            }
            case "shop/redact" -> {
                if (compliancePayload(delivery, body).has("customer")) {
                    throw new UnmappablePayloadException("shop/redact with a customer: not the shape Shopify sends");
                }
                yield new ShopRedaction(delivery, notAfterReceipt(delivery));
            }
            default -> throw new UnmappablePayloadException("unsupported topic " + delivery.topic());
        };
    }

    /**
     * A compliance topic's payload, which names its shop: one naming another shop than the signed delivery is refused,
     * so nothing is ever erased for a shop that did not ask.
     */
    private static JsonNode compliancePayload(WebhookDelivery delivery, byte[] body) {
        JsonNode json = ShopifyMapper.parse(body);
        String named = json.path("shop_domain").asText("");
        if (!named.equalsIgnoreCase(delivery.shopDomain())) {
            throw new UnmappablePayloadException(delivery.topic() + " names the shop '" + named + "', not " + delivery.shopDomain());
        }
        return json;
    }

    private static List<Long> ids(JsonNode json, String field) {
        List<Long> ids = new ArrayList<>();
        for (JsonNode id : json.path(field)) {
            if (!id.isIntegralNumber()) {
                throw new UnmappablePayloadException("'" + field + "' holds something else than ids: " + id);
            }
            ids.add(id.longValue());
        }
        return ids;
    }

    private static CustomerGroup group(WebhookDelivery delivery, byte[] body, ShopifyPayload payload, CustomerField.Group group) {
        JsonNode json = ShopifyMapper.parse(body);
        ShopifyCustomer part = ShopifyMapper.customerPart(ShopifyMapper.customerReference(json), json, Set.of(group), payload);
        if (!part.groups().contains(group)) {
            throw new UnmappablePayloadException(delivery.topic() + " without the fields it is about");
        }
        return new CustomerGroup(delivery, part, group, occurredAt(json, delivery));
    }

    /**
     * When Shopify produced what the webhook says (X-Shopify-Triggered-At), or when we received it if Shopify did not
     * say: the tie-break between two versions of one second, and the freshness of a customer's field groups.
     */
    private static OffsetDateTime observedAt(WebhookDelivery delivery) {
        try {
            return delivery.triggeredAt().map(OffsetDateTime::parse).orElse(delivery.receivedAt().atOffset(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return delivery.receivedAt().atOffset(ZoneOffset.UTC);
        }
    }

    /**
     * When an uninstall or an erasure request happened, never later than the gateway received it: X-Shopify-Triggered-At
     * is not covered by the signature, and a time in the future must not pass for one after the shop's reconnection.
     */
    private static OffsetDateTime notAfterReceipt(WebhookDelivery delivery) {
        OffsetDateTime observed = observedAt(delivery);
        OffsetDateTime received = delivery.receivedAt().atOffset(ZoneOffset.UTC);
        return observed.isAfter(received) ? received : observed;
    }

    /** The topics shaped like GraphQL say when their change occurred ({@code occurredAt}); else as {@link #observedAt}. */
    private static OffsetDateTime occurredAt(JsonNode json, WebhookDelivery delivery) {
        String occurred = json.path("occurredAt").asText("");
        try {
            return occurred.isBlank() ? observedAt(delivery) : OffsetDateTime.parse(occurred);
        } catch (DateTimeParseException e) {
            throw new UnmappablePayloadException("'occurredAt' is not an ISO-8601 timestamp: " + occurred, e);
        }
    }
}
