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
        assertThat(customer.email()).isEqualTo("bob@biller.com");
        assertThat(customer.firstName()).isEqualTo("Bob");
        assertThat(customer.lastName()).isEqualTo("Biller");
        assertThat(customer.state()).isEqualTo("disabled");
        assertThat(customer.verifiedEmail()).isTrue();
        assertThat(customer.totalSpentCurrency()).isEqualTo("USD");
        assertThat(customer.defaultAddressJson()).contains("151 O'Connor Street");
        assertThat(customer.updatedAt().toInstant()).isEqualTo(Instant.parse("2022-01-01T00:00:00Z"));
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
        assertThat(graphql).usingRecursiveComparison()
                .ignoringFields("payload", "createdAt", "updatedAt", "emailMarketingConsentUpdatedAt", "totalSpent")
                .isEqualTo(rest);
        assertThat(graphql.totalSpent()).isEqualByComparingTo(rest.totalSpent());
        assertThat(graphql.updatedAt().toInstant()).isEqualTo(rest.updatedAt().toInstant());
        assertThat(graphql.createdAt().toInstant()).isEqualTo(rest.createdAt().toInstant());
        assertThat(graphql.emailMarketingConsentUpdatedAt().toInstant()).isEqualTo(rest.emailMarketingConsentUpdatedAt().toInstant());
        assertThat(rest.tags()).containsExactly("vip", "wholesale");
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
