package com.crm.shopifysync.sync.shopify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.crm.shopifysync.testing.Fixtures;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ShopifyMapperTest {

    private static ShopifyCustomer customer(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return ShopifyMapper.customer(ShopifyMapper.parse(body), ShopifyPayload.of(body));
    }

    @Test
    void documentedCustomerWebhookMapsToTypedFields() {
        byte[] body = Fixtures.webhook("customers/create");

        ShopifyCustomer customer = ShopifyMapper.customer(ShopifyMapper.parse(body), ShopifyPayload.of(body));

        // the exact id comes from the GID; the numeric "id" of this fixture was rounded above 2^53
        assertThat(customer.shopifyId()).isEqualTo(706405506930370084L);
        assertThat(customer.adminGraphqlApiId()).isEqualTo("gid://shopify/Customer/706405506930370084");
        assertThat(customer.value(CustomerField.EMAIL)).isEqualTo("bob@biller.com");
        assertThat(customer.value(CustomerField.FIRST_NAME)).isEqualTo("Bob");
        assertThat(customer.value(CustomerField.LAST_NAME)).isEqualTo("Biller");
        assertThat(customer.value(CustomerField.STATE)).isEqualTo("disabled");
        assertThat(customer.value(CustomerField.VERIFIED_EMAIL)).isEqualTo(true);
        assertThat((String) customer.value(CustomerField.DEFAULT_ADDRESS)).contains("151 O'Connor Street");
        assertThat(customer.updatedAt().toInstant()).isEqualTo(Instant.parse("2022-01-01T00:00:00Z"));
        // Shopify's 2026-01 sample (this fixture) carries no tags, consent or purchasing figures: absent, not null
        assertThat(customer.groups()).containsExactly(CustomerField.Group.CORE);
        assertThat(customer.carries(CustomerField.TAGS)).isFalse();
        assertThat(customer.carries(CustomerField.ORDERS_COUNT)).isFalse();
        assertThat(customer.carries(CustomerField.EMAIL_MARKETING_STATE)).isFalse();
        assertThat(customer.payload().json()).isEqualTo(new String(body, StandardCharsets.UTF_8));
        assertThat(customer.payload().sha256()).hasSize(64);
    }

    @Test
    void restAndGraphqlShapesOfOneCustomerMapToTheSameValues() {
        ShopifyCustomer rest = customer("""
                {"id": 7, "admin_graphql_api_id": "gid://shopify/Customer/7", "email": "ann@example.com",
                 "first_name": "Ann", "last_name": "Lee", "phone": "+15555550100", "state": "enabled",
                 "tags": "vip, wholesale", "verified_email": true, "tax_exempt": false, "orders_count": 3,
                 "total_spent": "120.50", "currency": "CAD",
                 "email_marketing_consent": {"state": "subscribed", "opt_in_level": "single_opt_in",
                                             "consent_updated_at": "2026-01-02T05:00:00-05:00"},
                 "sms_marketing_consent": {"state": "not_subscribed"},
                 "created_at": "2026-01-01T19:00:00-05:00", "updated_at": "2026-01-03T09:30:00+02:00"}""");
        ShopifyCustomer graphql = customer("""
                {"id": "gid://shopify/Customer/7", "email": "ann@example.com", "firstName": "Ann", "lastName": "Lee",
                 "phone": "+15555550100", "state": "ENABLED", "tags": ["vip", "wholesale"], "verifiedEmail": true,
                 "taxExempt": false, "numberOfOrders": "3", "amountSpent": {"amount": "120.5", "currencyCode": "CAD"},
                 "emailMarketingConsent": {"marketingState": "SUBSCRIBED", "marketingOptInLevel": "SINGLE_OPT_IN",
                                           "consentUpdatedAt": "2026-01-02T10:00:00Z"},
                 "smsMarketingConsent": {"marketingState": "NOT_SUBSCRIBED"},
                 "createdAt": "2026-01-02T00:00:00Z", "updatedAt": "2026-01-03T07:30:00Z"}""");

        assertThat(graphql.shopifyId()).isEqualTo(rest.shopifyId()).isEqualTo(7L);
        assertThat(graphql.adminGraphqlApiId()).isEqualTo(rest.adminGraphqlApiId());
        assertThat(graphql.groups()).isEqualTo(rest.groups()).containsExactlyInAnyOrder(CustomerField.Group.values());
        for (CustomerField field : CustomerField.values()) {
            Object expected = rest.value(field);
            Object actual = graphql.value(field);
            if (expected instanceof java.time.OffsetDateTime timestamp) {
                assertThat(((java.time.OffsetDateTime) actual).toInstant()).as(field.name()).isEqualTo(timestamp.toInstant());
            } else if (expected instanceof BigDecimal amount) {
                assertThat((BigDecimal) actual).as(field.name()).isEqualByComparingTo(amount);
            } else {
                assertThat(actual).as(field.name()).isEqualTo(expected);
            }
        }
        assertThat(rest.value(CustomerField.TAGS)).isEqualTo(java.util.List.of("vip", "wholesale"));
    }

    @Test
    void theTopicsThatCarryOnePartOfACustomerMapToThatPartOnly() throws Exception {
        // the shapes of Shopify's webhook reference (2026-01) for these topics
        byte[] consent = """
                {"customer_id": 706405506930370084, "email_address": "bob@biller.com",
                 "email_marketing_consent": {"state": "not_subscribed", "opt_in_level": null, "consent_updated_at": null}}"""
                .getBytes(StandardCharsets.UTF_8);
        byte[] sms = """
                {"id": 706405506930370084, "phone": null, "sms_marketing_consent": {"state": "subscribed", "opt_in_level": null,
                 "consent_updated_at": null, "consent_collected_from": "other"}}""".getBytes(StandardCharsets.UTF_8);
        byte[] purchasing = """
                {"customerId": "gid://shopify/Customer/706405506930370084", "numberOfOrders": 1,
                 "amountSpent": {"amount": "100.00", "currencyCode": "USD"}, "lastOrderId": "gid://shopify/Order/1",
                 "occurredAt": "2005-05-05T06:00:00.000Z"}""".getBytes(StandardCharsets.UTF_8);

        ShopifyCustomer emailPart = part(consent, CustomerField.Group.EMAIL_CONSENT);
        assertThat(emailPart.shopifyId()).isEqualTo(706405506930370084L);
        assertThat(emailPart.groups()).containsExactly(CustomerField.Group.EMAIL_CONSENT);
        assertThat(emailPart.value(CustomerField.EMAIL_MARKETING_STATE)).isEqualTo("not_subscribed");
        assertThat(emailPart.carries(CustomerField.EMAIL)).as("the address comes with it, but is not this topic's").isFalse();

        ShopifyCustomer smsPart = part(sms, CustomerField.Group.SMS_CONSENT);
        assertThat(smsPart.shopifyId()).isEqualTo(706405506930370084L);
        assertThat(smsPart.value(CustomerField.SMS_MARKETING_STATE)).isEqualTo("subscribed");
        assertThat(smsPart.carries(CustomerField.PHONE)).isFalse();

        ShopifyCustomer purchasingPart = part(purchasing, CustomerField.Group.PURCHASING);
        assertThat(purchasingPart.shopifyId()).isEqualTo(706405506930370084L);
        assertThat(purchasingPart.value(CustomerField.ORDERS_COUNT)).isEqualTo(1);
        assertThat((BigDecimal) purchasingPart.value(CustomerField.TOTAL_SPENT)).isEqualByComparingTo("100.00");
        assertThat(purchasingPart.value(CustomerField.TOTAL_SPENT_CURRENCY)).isEqualTo("USD");
    }

    private static ShopifyCustomer part(byte[] body, CustomerField.Group group) {
        var json = ShopifyMapper.parse(body);
        return ShopifyMapper.customerPart(ShopifyMapper.customerReference(json), json, java.util.Set.of(group), ShopifyPayload.of(body));
    }

    @Test
    void theBulkExportSelectsEveryCustomerFieldOnce() {
        String selection = CustomerField.graphqlSelection();
        assertThat(selection).contains("defaultEmailAddress { emailAddress marketingState marketingOptInLevel marketingUpdatedAt }",
                "amountSpent { amount currencyCode }", "defaultPhoneNumber { phoneNumber marketingState }", "numberOfOrders", "tags");
    }

    @Test
    void documentedOrderWebhookMapsWithLineItemsAndItsCustomer() {
        byte[] body = Fixtures.webhook("orders/create");

        ShopifyOrder order = ShopifyMapper.order(ShopifyMapper.parse(body), ShopifyPayload.of(body));

        assertThat(order.shopifyId()).isEqualTo(820982911946154508L);
        assertThat(order.name()).isEqualTo("#9999");
        assertThat(order.orderNumber()).isEqualTo(1234L);
        assertThat(order.customerShopifyId()).isEqualTo(115310627314723954L);
        assertThat(order.financialStatus()).isEqualTo("voided");
        assertThat(order.fulfillmentStatus()).isNull();
        assertThat(order.totalPrice()).isEqualByComparingTo(new BigDecimal("404.95"));
        assertThat(order.totalDiscounts()).isEqualByComparingTo(new BigDecimal("20.00"));
        assertThat(order.currency()).isEqualTo("USD");
        assertThat(order.tags()).containsExactly("tag1", "tag2");
        assertThat(order.cancelReason()).isEqualTo("customer");
        assertThat(order.cancelledAt().toInstant()).isEqualTo(Instant.parse("2022-01-01T00:00:00Z"));
        assertThat(order.lineItems()).hasSize(5);
        assertThat(order.lineItems().get(0).shopifyId()).isEqualTo(487817672276298554L);
        assertThat(order.lineItems().get(0).sku()).isEqualTo("SKU2006-001");
        assertThat(order.lineItems().get(0).price()).isEqualByComparingTo(new BigDecimal("89.99"));
        assertThat(order.lineItems()).extracting(ShopifyOrder.LineItem::quantity).containsOnly(1L);
    }

    @Test
    void graphqlOrderWithLineItemConnectionMaps() {
        byte[] body = """
                {"id": "gid://shopify/Order/55", "name": "#1055", "number": 55, "customer": {"id": "gid://shopify/Customer/7"},
                 "displayFinancialStatus": "PAID", "displayFulfillmentStatus": "UNFULFILLED", "currencyCode": "EUR",
                 "totalPriceSet": {"shopMoney": {"amount": "10.00", "currencyCode": "EUR"}},
                 "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z",
                 "lineItems": {"edges": [{"node": {"id": "gid://shopify/LineItem/9", "title": "Mug", "quantity": 2,
                   "sku": "MUG", "product": {"id": "gid://shopify/Product/3"}, "variant": {"id": "gid://shopify/ProductVariant/4"},
                   "originalUnitPriceSet": {"shopMoney": {"amount": "5.00", "currencyCode": "EUR"}}}}]}}"""
                .getBytes(StandardCharsets.UTF_8);

        ShopifyOrder order = ShopifyMapper.order(ShopifyMapper.parse(body), ShopifyPayload.of(body));

        assertThat(order.shopifyId()).isEqualTo(55L);
        // REST's order_number is GraphQL's number plus 1000, as Shopify documents it (and as the name shows)
        assertThat(order.orderNumber()).isEqualTo(1055L);
        assertThat(order.customerShopifyId()).isEqualTo(7L);
        assertThat(order.financialStatus()).isEqualTo("paid");
        assertThat(order.totalPrice()).isEqualByComparingTo("10.00");
        assertThat(order.lineItems()).singleElement().satisfies(item -> {
            assertThat(item.shopifyId()).isEqualTo(9L);
            assertThat(item.productId()).isEqualTo(3L);
            assertThat(item.variantId()).isEqualTo(4L);
            assertThat(item.quantity()).isEqualTo(2L);
            assertThat(item.price()).isEqualByComparingTo("5.00");
        });
    }

    @Test
    void payloadsThatCanNeverBeAppliedAreRejectedWithAReason() {
        assertThatThrownBy(() -> ShopifyMapper.parse("{\"id\": 5, \"email\": ".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UnmappablePayloadException.class).hasMessageStartingWith("malformed JSON");
        assertThatThrownBy(() -> ShopifyMapper.parse("[1]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UnmappablePayloadException.class).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> customer("{\"email\": \"x@example.com\"}"))
                .isInstanceOf(UnmappablePayloadException.class).hasMessage("customer has no id");
        assertThatThrownBy(() -> customer("{\"id\": 1, \"updated_at\": \"yesterday\"}"))
                .isInstanceOf(UnmappablePayloadException.class).hasMessageContaining("updated_at");
    }
}
