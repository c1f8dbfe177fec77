package com.crm.shopifysync.sync.subscription;

import com.crm.shopifysync.sync.shopify.ShopifyAdminClient;
import com.crm.shopifysync.sync.shopify.ShopifyCallFailed;
import com.crm.shopifysync.sync.shopify.ShopifyTopics;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One shop's webhook subscriptions through the GraphQL Admin API: the topics this service handles, each pointing at the
 * gateway. Shopify deletes a subscription made through the Admin API after its deliveries keep failing (8 retries over
 * about 4 hours), so they are looked at again and again, and what is missing is created. Blocking (a worker thread's).
 */
final class WebhookSubscriptions {

    private WebhookSubscriptions() {
    }

    /** The subscribed topics missing for {@code uri}, created now; empty when none was missing. */
    static List<String> ensure(ShopifyAdminClient client, String uri) {
        Set<String> present = new HashSet<>();
        String after = null;
        do {
            Map<String, Object> variables = new HashMap<>();
            variables.put("after", after);
            JsonObject page = client.call(SubscriptionQueries.LIST, variables, 12).getJsonObject("webhookSubscriptions");
            for (JsonValue node : page.getJsonArray("nodes")) {
                JsonObject subscription = node.asJsonObject();
                if (uri.equals(text(subscription, "uri"))) {
                    present.add(text(subscription, "topic"));
                }
            }
            JsonObject pageInfo = page.getJsonObject("pageInfo");
            after = pageInfo.getBoolean("hasNextPage") ? text(pageInfo, "endCursor") : null;
        } while (after != null);

        List<String> created = new ArrayList<>();
        for (String topic : ShopifyTopics.SUBSCRIBED) {
            String name = ShopifyTopics.graphqlName(topic);
            if (present.contains(name)) {
                continue;
            }
            JsonObject payload = client.call(SubscriptionQueries.CREATE, Map.of("topic", name, "webhookSubscription", Map.of("uri", uri)), 10)
                    .getJsonObject("webhookSubscriptionCreate");
            List<String> errors = payload.getJsonArray("userErrors").stream().map(error -> text(error.asJsonObject(), "message")).toList();
            // Another replica may have created it a moment ago: Shopify refuses the same topic and address twice.
            if (!errors.isEmpty() && errors.stream().noneMatch(message -> message != null && message.contains("already been taken"))) {
                throw new ShopifyCallFailed("Shopify refused the " + topic + " webhook subscription: " + String.join("; ", errors), true);
            }
            if (errors.isEmpty()) {
                created.add(topic);
            }
        }
        return created;
    }

    private static String text(JsonObject object, String name) {
        JsonValue value = object.get(name);
        return value instanceof jakarta.json.JsonString string ? string.getString() : null;
    }
}
