package com.crm.shopifysync.sync.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import com.crm.shopifysync.simulator.AdminSchema;
import org.junit.jupiter.api.Test;

/** Every GraphQL document the sync-service sends is valid against Shopify's real Admin schema (2026-07). */
class BulkQueriesSchemaTest {

    private static final AdminSchema SCHEMA = AdminSchema.validationOnly();

    @Test
    void everyDocumentValidatesAgainstTheRealSchema() {
        assertThat(BulkQueries.all()).hasSizeGreaterThanOrEqualTo(6);
        for (String document : BulkQueries.all()) {
            assertThat(SCHEMA.validate(document)).as(document).isEmpty();
        }
    }

    @Test
    void theWebhookSubscriptionDocumentsAndEveryTopicNameValidate() {
        for (String document : com.crm.shopifysync.sync.subscription.SubscriptionQueries.all()) {
            assertThat(SCHEMA.validate(document)).as(document).isEmpty();
        }
        // every topic the service subscribes to, by its GraphQL name, as the create mutation sends it
        for (String topic : com.crm.shopifysync.sync.shopify.ShopifyTopics.SUBSCRIBED) {
            String create = "mutation { webhookSubscriptionCreate(topic: " + com.crm.shopifysync.sync.shopify.ShopifyTopics.graphqlName(topic)
                    + ", webhookSubscription: {uri: \"https://example.com/webhooks\"}) { userErrors { message } } }";
            assertThat(SCHEMA.validate(create)).as(topic).isEmpty();
        }
        assertThat(SCHEMA.validate("mutation { webhookSubscriptionCreate(topic: CUSTOMERS_TAGS_ADDED, webhookSubscription: "
                + "{uri: \"https://example.com\"}) { userErrors { message } } }")).as("a topic Shopify does not have").isNotEmpty();
    }

    @Test
    void theValidationWouldCatchAFieldShopifyDoesNotHave() {
        String broken = BulkQueries.export(BulkQueries.Resource.CUSTOMERS, null).replace("verifiedEmail", "verifiedEmails");
        assertThat(SCHEMA.validate(broken)).singleElement().asString().contains("verifiedEmails");
    }

    @Test
    void theConfiguredApiVersionIsTheSchemasVersion() {
        assertThat(AdminSchema.VERSION).isEqualTo("2026-07");
    }
}
