package com.crm.shopifysync.simulator;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A shop-specific webhook subscription, made through the Admin API ({@code webhookSubscriptionCreate}): Shopify sends
 * the shop's events of {@code topic} to {@code uri}, and deletes the subscription when a delivery keeps failing.
 *
 * @param topic the {@code WebhookSubscriptionTopic} enum value, e.g. {@code ORDERS_CREATE}
 */
public record WebhookSubscription(long id, String topic, String uri, String format, List<String> includeFields,
                                  String filter, String name, Instant createdAt, Instant updatedAt) {

    /** The enum values whose events the simulator sends, with the topic name their webhooks carry. */
    private static final Map<String, String> TOPICS = topics();

    public WebhookSubscription {
        includeFields = List.copyOf(includeFields);
    }

    public String gid() {
        return "gid://shopify/WebhookSubscription/" + id;
    }

    /** The topic as webhooks carry it in {@code X-Shopify-Topic}, e.g. {@code orders/create}. */
    public String webhookTopic() {
        return webhookTopic(topic);
    }

    /** The webhook topic of an enum value; values the simulator never sends map to their usual spelling. */
    public static String webhookTopic(String enumValue) {
        String known = TOPICS.get(enumValue);
        if (known != null) {
            return known;
        }
        int lastUnderscore = enumValue.lastIndexOf('_');
        String lower = enumValue.toLowerCase(Locale.ROOT);
        return lastUnderscore < 0 ? lower : lower.substring(0, lastUnderscore) + "/" + lower.substring(lastUnderscore + 1);
    }

    /** The enum value of a topic given either way ({@code orders/create} or {@code ORDERS_CREATE}). */
    public static Optional<String> enumValue(String topic) {
        if (TOPICS.containsKey(topic)) {
            return Optional.of(topic);
        }
        return TOPICS.entrySet().stream().filter(entry -> entry.getValue().equals(topic)).map(Map.Entry::getKey).findFirst();
    }

    /** The subscription as the GraphQL Admin API renders a {@code WebhookSubscription}. */
    Map<String, Object> graphQl(String apiVersion) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("__typename", "WebhookSubscription");
        node.put("id", gid());
        node.put("legacyResourceId", Long.toString(id));
        node.put("topic", topic);
        node.put("uri", uri);
        node.put("callbackUrl", uri);
        node.put("endpoint", Shapes.map("__typename", "WebhookHttpEndpoint", "callbackUrl", uri));
        node.put("format", format);
        node.put("includeFields", includeFields);
        node.put("metafieldNamespaces", List.of());
        node.put("metafields", List.of());
        node.put("filter", filter);
        node.put("name", name);
        node.put("apiVersion", Shapes.map("__typename", "ApiVersion", "handle", apiVersion, "displayName", apiVersion,
                "supported", true));
        node.put("createdAt", createdAt.toString());
        node.put("updatedAt", updatedAt.toString());
        return node;
    }

    private static Map<String, String> topics() {
        Map<String, String> topics = new LinkedHashMap<>();
        topics.put("ORDERS_CREATE", "orders/create");
        topics.put("ORDERS_UPDATED", "orders/updated");
        topics.put("ORDERS_DELETE", "orders/delete");
        topics.put("CUSTOMERS_CREATE", "customers/create");
        topics.put("CUSTOMERS_UPDATE", "customers/update");
        topics.put("CUSTOMERS_DELETE", "customers/delete");
        topics.put("CUSTOMER_TAGS_ADDED", "customer.tags_added");
        topics.put("CUSTOMER_TAGS_REMOVED", "customer.tags_removed");
        topics.put("CUSTOMERS_PURCHASING_SUMMARY", "customers/purchasing_summary");
        topics.put("CUSTOMERS_EMAIL_MARKETING_CONSENT_UPDATE", "customers_email_marketing_consent/update");
        topics.put("CUSTOMERS_MARKETING_CONSENT_UPDATE", "customers_marketing_consent/update");
        topics.put("APP_UNINSTALLED", "app/uninstalled");
        topics.put("BULK_OPERATIONS_FINISH", "bulk_operations/finish");
        return Map.copyOf(topics);
    }
}
