package com.crm.shopifysync.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebhookDeliveryTest {

    private static WebhookDelivery delivery(String topic, String shop, Optional<String> eventId) {
        return new WebhookDelivery(topic, shop, "wh-1", eventId, Optional.of("2026-01-01T00:00:00Z"),
                Optional.of("2026-01"), Instant.parse("2026-01-01T00:00:01Z"));
    }

    @Test
    void headersRoundTripWithoutLoss() {
        WebhookDelivery original = delivery("orders/updated", "Shop.MyShopify.com", Optional.of("ev-9"));
        Map<String, String> headers = original.toHeaders();

        WebhookDelivery read = WebhookDelivery.fromHeaders(name -> Optional.ofNullable(headers.get(name)));

        assertThat(read).isEqualTo(original);
        assertThat(read.shopDomain()).isEqualTo("shop.myshopify.com");
        assertThat(headers).containsEntry(WebhookHeaders.RECEIVED_AT, "2026-01-01T00:00:01Z");
    }

    @Test
    void missingRequiredHeaderIsNamed() {
        Map<String, String> headers = delivery("orders/updated", "a.myshopify.com", Optional.empty()).toHeaders();
        headers.remove(WebhookHeaders.WEBHOOK_ID);

        assertThatThrownBy(() -> WebhookDelivery.fromHeaders(name -> Optional.ofNullable(headers.get(name))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(WebhookHeaders.WEBHOOK_ID);
    }

    @Test
    void deduplicationUsesEventIdAndFallsBackToWebhookId() {
        assertThat(delivery("customers/update", "a.myshopify.com", Optional.of("ev-1")).deduplicationKey()).isEqualTo("event:ev-1");
        assertThat(delivery("customers/update", "a.myshopify.com", Optional.of(" ")).deduplicationKey()).isEqualTo("webhook:wh-1");
        assertThat(delivery("customers/update", "a.myshopify.com", Optional.empty()).deduplicationKey()).isEqualTo("webhook:wh-1");
    }

    @Test
    void oneResourceKeepsOneKeyAcrossTopicsWhileShopsDiffer() {
        byte[] created = "{\"id\":706405506930370000,\"admin_graphql_api_id\":\"gid://shopify/Customer/706405506930370084\"}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] deleted = "{\"id\":706405506930370000,\"tax_exemptions\":[],\"admin_graphql_api_id\":\"gid://shopify/Customer/706405506930370084\"}"
                .getBytes(StandardCharsets.UTF_8);

        String createKey = delivery("customers/create", "a.myshopify.com", Optional.empty()).recordKey(created);
        String deleteKey = delivery("customers/delete", "a.myshopify.com", Optional.empty()).recordKey(deleted);
        String otherShopKey = delivery("customers/create", "b.myshopify.com", Optional.empty()).recordKey(created);

        assertThat(createKey).isEqualTo("a.myshopify.com/customers/706405506930370084").isEqualTo(deleteKey);
        assertThat(otherShopKey).isNotEqualTo(createKey);
    }

    @Test
    void theTopicsCarryingOnePartOfACustomerShareTheCustomersKey() {
        // the shapes of Shopify's reference: a GID (customerId), a numeric customer_id, or the customer's own id
        byte[] tags = "{\"customerId\": \"gid://shopify/Customer/706405506930370084\", \"tags\": [\"vip\"]}".getBytes(StandardCharsets.UTF_8);
        byte[] emailConsent = "{\"customer_id\": 706405506930370084, \"email_address\": \"bob@biller.com\"}".getBytes(StandardCharsets.UTF_8);
        byte[] smsConsent = "{\"id\": 706405506930370084, \"phone\": null}".getBytes(StandardCharsets.UTF_8);
        byte[] update = "{\"id\": 706405506930370084, \"admin_graphql_api_id\": \"gid://shopify/Customer/706405506930370084\"}"
                .getBytes(StandardCharsets.UTF_8);
        String key = "a.myshopify.com/customers/706405506930370084";

        assertThat(delivery("customers/update", "a.myshopify.com", Optional.empty()).recordKey(update)).isEqualTo(key);
        assertThat(delivery("customer.tags_added", "a.myshopify.com", Optional.empty()).recordKey(tags)).isEqualTo(key);
        assertThat(delivery("customers/purchasing_summary", "a.myshopify.com", Optional.empty()).recordKey(tags)).isEqualTo(key);
        assertThat(delivery("customers_email_marketing_consent/update", "a.myshopify.com", Optional.empty()).recordKey(emailConsent))
                .isEqualTo(key);
        assertThat(delivery("customers_marketing_consent/update", "a.myshopify.com", Optional.empty()).recordKey(smsConsent)).isEqualTo(key);
    }

    @Test
    void bodyWithoutIdIsKeyedByItsDelivery() {
        byte[] malformed = "{\"id\": 12, \"broken".getBytes(StandardCharsets.UTF_8);
        WebhookDelivery delivery = delivery("orders/create", "a.myshopify.com", Optional.empty());

        assertThat(delivery.recordKey("not json".getBytes(StandardCharsets.UTF_8))).isEqualTo("a.myshopify.com/orders/webhook-wh-1");
        assertThat(delivery.recordKey(malformed)).isEqualTo("a.myshopify.com/orders/12");
    }
}
