package com.crm.shopifysync.sync.subscription;

import java.util.List;

/** The GraphQL documents of webhook subscriptions (validated against the real 2026-07 schema by a test). */
public final class SubscriptionQueries {

    public static final String LIST = """
            query WebhookSubscriptions($after: String) {
              webhookSubscriptions(first: 100, after: $after) {
                nodes { id topic uri }
                pageInfo { hasNextPage endCursor }
              }
            }""";

    public static final String CREATE = """
            mutation CreateWebhookSubscription($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
              webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
                webhookSubscription { id topic uri }
                userErrors { field message }
              }
            }""";

    private SubscriptionQueries() {
    }

    public static List<String> all() {
        return List.of(LIST, CREATE);
    }
}
