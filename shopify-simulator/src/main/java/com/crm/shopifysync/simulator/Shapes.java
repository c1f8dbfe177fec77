package com.crm.shopifysync.simulator;

import com.crm.shopifysync.simulator.StoreData.Address;
import com.crm.shopifysync.simulator.StoreData.Customer;
import com.crm.shopifysync.simulator.StoreData.LineItem;
import com.crm.shopifysync.simulator.StoreData.Order;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How Shopify renders a record: GraphQL-shaped (camelCase, GIDs, UTC timestamps, enum names, money as strings)
 * for the Admin API and bulk exports, REST-shaped (snake_case, numeric ids, the shop's UTC offset, lower-case
 * states) for webhooks. The shapes follow the documented examples in the fixtures.
 */
public final class Shapes {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final DateTimeFormatter REST_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");
    /** The simulated shops' time zone (GraphQL's {@code shop.ianaTimezone}). */
    static final ZoneId SHOP_ZONE = ZoneId.of("America/New_York");
    private static final long PRIMARY_LOCATION_BASE = 70_000_000_000L;

    private Shapes() {
    }

    public static String gid(String type, long id) {
        return "gid://shopify/" + type + "/" + id;
    }

    // ---- GraphQL ----

    public static Map<String, Object> graphQl(Customer customer) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("__typename", "Customer");
        node.put("id", gid("Customer", customer.id()));
        node.put("legacyResourceId", Long.toString(customer.id()));
        node.put("firstName", customer.firstName());
        node.put("lastName", customer.lastName());
        node.put("displayName", displayName(customer));
        node.put("email", customer.email());
        node.put("phone", customer.phone());
        node.put("defaultEmailAddress", customer.email() == null ? null : map(
                "emailAddress", customer.email(),
                "marketingState", customer.emailMarketingState(),
                "marketingOptInLevel", "SINGLE_OPT_IN",
                "marketingUpdatedAt", utc(customer.createdAt())));
        node.put("defaultPhoneNumber", customer.phone() == null ? null : map(
                "phoneNumber", customer.phone(), "marketingState", customer.smsMarketingState()));
        node.put("emailMarketingConsent", customer.email() == null ? null : map(
                "marketingState", customer.emailMarketingState(),
                "marketingOptInLevel", "SINGLE_OPT_IN",
                "consentUpdatedAt", utc(customer.createdAt())));
        node.put("state", customer.state());
        node.put("tags", customer.tags());
        node.put("note", customer.note());
        node.put("verifiedEmail", customer.verifiedEmail());
        node.put("taxExempt", customer.taxExempt());
        node.put("numberOfOrders", Long.toString(customer.ordersCount()));
        node.put("amountSpent", map("amount", money(customer.amountSpent()), "currencyCode", customer.currency()));
        node.put("defaultAddress", customer.defaultAddress() == null ? null : graphQl(customer.defaultAddress()));
        node.put("createdAt", utc(customer.createdAt()));
        node.put("updatedAt", utc(customer.updatedAt()));
        return node;
    }

    private static Map<String, Object> graphQl(Address address) {
        return map("id", gid("MailingAddress", address.id()) + "?model_name=CustomerAddress",
                "firstName", address.firstName(), "lastName", address.lastName(),
                "name", address.firstName() + " " + address.lastName(),
                "address1", address.address1(), "address2", null, "company", null, "city", address.city(),
                "province", address.province(), "provinceCode", address.provinceCode(),
                "country", address.country(), "countryCodeV2", address.countryCode(),
                "zip", address.zip(), "phone", address.phone());
    }

    public static Map<String, Object> graphQl(Order order) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("__typename", "Order");
        node.put("id", gid("Order", order.id()));
        node.put("legacyResourceId", Long.toString(order.id()));
        node.put("name", order.name());
        node.put("number", order.number());
        node.put("email", order.email());
        node.put("customer", order.customerId() == null ? null : map("__typename", "Customer", "id", gid("Customer", order.customerId())));
        node.put("displayFinancialStatus", order.financialStatus());
        node.put("displayFulfillmentStatus", order.fulfillmentStatus());
        node.put("currencyCode", order.currency());
        node.put("totalPriceSet", moneyBag(order.totalPrice(), order.currency()));
        node.put("subtotalPriceSet", moneyBag(order.subtotalPrice(), order.currency()));
        node.put("totalTaxSet", moneyBag(order.totalTax(), order.currency()));
        node.put("totalDiscountsSet", moneyBag(order.totalDiscounts(), order.currency()));
        node.put("tags", order.tags());
        node.put("cancelReason", order.cancelReason());
        node.put("createdAt", utc(order.createdAt()));
        node.put("updatedAt", utc(order.updatedAt()));
        node.put("processedAt", utc(order.processedAt()));
        node.put("cancelledAt", utc(order.cancelledAt()));
        node.put("closedAt", utc(order.closedAt()));
        List<Map<String, Object>> edges = new ArrayList<>();
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (LineItem item : order.lineItems()) {
            Map<String, Object> itemNode = graphQl(item, order.currency());
            nodes.add(itemNode);
            edges.add(map("node", itemNode, "cursor", Long.toString(item.id())));
        }
        node.put("lineItems", map("edges", edges, "nodes", nodes, "pageInfo", map("hasNextPage", false, "hasPreviousPage", false)));
        return node;
    }

    private static Map<String, Object> graphQl(LineItem item, String currency) {
        return map("__typename", "LineItem", "id", gid("LineItem", item.id()), "name", item.title(), "title", item.title(),
                "variantTitle", item.variantTitle(), "sku", item.sku(), "vendor", item.vendor(), "quantity", item.quantity(),
                "product", map("__typename", "Product", "id", gid("Product", item.productId())),
                "variant", map("__typename", "ProductVariant", "id", gid("ProductVariant", item.variantId())),
                "originalUnitPriceSet", moneyBag(item.price(), currency),
                "totalDiscountSet", moneyBag(item.totalDiscount(), currency));
    }

    private static Map<String, Object> moneyBag(BigDecimal amount, String currency) {
        Map<String, Object> money = map("amount", money(amount), "currencyCode", currency);
        return map("shopMoney", money, "presentmentMoney", money);
    }

    // ---- REST (webhooks) ----

    /**
     * A customer webhook's payload in the shape of {@code apiVersion}: from 2025-01 it no longer carries the tags, the
     * marketing consent or the purchasing figures (each has topics of its own; Shopify's changelog "New customer's
     * webhook and changes to existing customer's webhooks payload").
     */
    public static ObjectNode rest(Customer customer, String apiVersion) {
        ObjectNode node = rest(customer);
        if (apiVersion.compareTo(PARTIAL_CUSTOMER_WEBHOOKS) >= 0) {
            node.remove(List.of("tags", "orders_count", "total_spent", "email_marketing_consent", "sms_marketing_consent"));
        }
        return node;
    }

    /** The API version from which customer webhooks carry only part of the customer. */
    public static final String PARTIAL_CUSTOMER_WEBHOOKS = "2025-01";

    /** customer.tags_added / customer.tags_removed (GraphQL-shaped, as Shopify's reference shows them). */
    public static ObjectNode tagsChanged(long customerId, List<String> tags, Instant occurredAt) {
        ObjectNode node = JSON.objectNode();
        node.put("customerId", gid("Customer", customerId));
        tags.forEach(node.putArray("tags")::add);
        node.put("occurredAt", occurredAt.toString());
        return node;
    }

    /** customers_email_marketing_consent/update. */
    public static ObjectNode emailMarketingConsent(Customer customer) {
        ObjectNode node = JSON.objectNode();
        node.put("customer_id", customer.id());
        node.put("email_address", customer.email());
        ObjectNode consent = node.putObject("email_marketing_consent");
        consent.put("state", customer.emailMarketingState().toLowerCase(Locale.ROOT));
        consent.put("opt_in_level", "single_opt_in");
        consent.put("consent_updated_at", local(customer.updatedAt(), customer.offset()));
        return node;
    }

    /** customers_marketing_consent/update: the SMS consent. */
    public static ObjectNode smsMarketingConsent(Customer customer) {
        ObjectNode node = JSON.objectNode();
        node.put("id", customer.id());
        node.put("phone", customer.phone());
        ObjectNode consent = node.putObject("sms_marketing_consent");
        consent.put("state", customer.smsMarketingState().toLowerCase(Locale.ROOT));
        consent.put("opt_in_level", "single_opt_in");
        consent.put("consent_updated_at", local(customer.updatedAt(), customer.offset()));
        consent.put("consent_collected_from", "other");
        return node;
    }

    /** customers/purchasing_summary (GraphQL-shaped). */
    public static ObjectNode purchasingSummary(Customer customer, Long lastOrderId, Instant occurredAt) {
        ObjectNode node = JSON.objectNode();
        node.put("customerId", gid("Customer", customer.id()));
        node.put("numberOfOrders", customer.ordersCount());
        ObjectNode amount = node.putObject("amountSpent");
        amount.put("amount", money(customer.amountSpent()));
        amount.put("currencyCode", customer.currency());
        node.put("lastOrderId", lastOrderId == null ? null : gid("Order", lastOrderId));
        node.put("occurredAt", occurredAt.toString());
        return node;
    }

    /** orders/delete carries the id alone. */
    public static ObjectNode restOrderDeletion(long orderId) {
        ObjectNode node = JSON.objectNode();
        node.put("id", orderId);
        return node;
    }

    /** The REST customer as Shopify rendered it before 2025-01, whole. */
    private static ObjectNode rest(Customer customer) {
        ObjectNode node = JSON.objectNode();
        node.put("id", customer.id());
        node.put("created_at", local(customer.createdAt(), customer.offset()));
        node.put("updated_at", local(customer.updatedAt(), customer.offset()));
        node.put("first_name", customer.firstName());
        node.put("last_name", customer.lastName());
        node.put("state", customer.state().toLowerCase(Locale.ROOT));
        node.put("note", customer.note());
        node.put("verified_email", customer.verifiedEmail());
        node.putNull("multipass_identifier");
        node.put("tax_exempt", customer.taxExempt());
        node.put("email", customer.email());
        node.put("phone", customer.phone());
        node.put("currency", customer.currency());
        node.put("tags", String.join(", ", customer.tags()));
        node.put("orders_count", customer.ordersCount());
        node.put("total_spent", money(customer.amountSpent()));
        node.putArray("addresses");
        node.putArray("tax_exemptions");
        node.put("admin_graphql_api_id", gid("Customer", customer.id()));
        if (customer.email() != null) {
            ObjectNode consent = node.putObject("email_marketing_consent");
            consent.put("state", customer.emailMarketingState().toLowerCase(Locale.ROOT));
            consent.put("opt_in_level", "single_opt_in");
            consent.put("consent_updated_at", local(customer.createdAt(), customer.offset()));
        }
        if (customer.phone() != null) {
            ObjectNode consent = node.putObject("sms_marketing_consent");
            consent.put("state", customer.smsMarketingState().toLowerCase(Locale.ROOT));
            consent.put("opt_in_level", "single_opt_in");
            consent.put("consent_updated_at", local(customer.createdAt(), customer.offset()));
            consent.put("consent_collected_from", "other");
        }
        if (customer.defaultAddress() != null) {
            Address address = customer.defaultAddress();
            ObjectNode rest = node.putObject("default_address");
            rest.put("id", address.id());
            rest.put("customer_id", customer.id());
            rest.put("first_name", address.firstName());
            rest.put("last_name", address.lastName());
            rest.putNull("company");
            rest.put("address1", address.address1());
            rest.putNull("address2");
            rest.put("city", address.city());
            rest.put("province", address.province());
            rest.put("country", address.country());
            rest.put("zip", address.zip());
            rest.put("phone", address.phone());
            rest.put("name", address.firstName() + " " + address.lastName());
            rest.put("province_code", address.provinceCode());
            rest.put("country_code", address.countryCode());
            rest.put("country_name", address.country());
            rest.put("default", true);
        }
        return node;
    }

    /** customers/delete carries the id alone. */
    public static ObjectNode restDeletion(long customerId) {
        ObjectNode node = JSON.objectNode();
        node.put("id", customerId);
        node.putArray("addresses");
        node.putArray("tax_exemptions");
        node.put("admin_graphql_api_id", gid("Customer", customerId));
        return node;
    }

    public static ObjectNode rest(Order order, Customer customer) {
        ObjectNode node = JSON.objectNode();
        node.put("id", order.id());
        node.put("admin_graphql_api_id", gid("Order", order.id()));
        node.put("name", order.name());
        node.put("number", order.number());
        node.put("order_number", order.number() + 1000);
        node.put("email", order.email());
        node.put("contact_email", order.email());
        node.put("created_at", local(order.createdAt(), order.offset()));
        node.put("updated_at", local(order.updatedAt(), order.offset()));
        node.put("processed_at", local(order.processedAt(), order.offset()));
        node.put("cancelled_at", local(order.cancelledAt(), order.offset()));
        node.put("closed_at", local(order.closedAt(), order.offset()));
        node.put("cancel_reason", order.cancelReason() == null ? null : order.cancelReason().toLowerCase(Locale.ROOT));
        node.put("currency", order.currency());
        node.put("financial_status", order.financialStatus().toLowerCase(Locale.ROOT));
        node.put("fulfillment_status", order.fulfillmentStatus().toLowerCase(Locale.ROOT));
        node.put("total_price", money(order.totalPrice()));
        node.put("subtotal_price", money(order.subtotalPrice()));
        node.put("total_tax", money(order.totalTax()));
        node.put("total_discounts", money(order.totalDiscounts()));
        node.put("tags", String.join(", ", order.tags()));
        node.put("test", false);
        if (customer != null) {
            ObjectNode rest = node.putObject("customer");
            rest.put("id", customer.id());
            rest.put("email", customer.email());
            rest.put("first_name", customer.firstName());
            rest.put("last_name", customer.lastName());
            rest.put("admin_graphql_api_id", gid("Customer", customer.id()));
        } else {
            node.putNull("customer");
        }
        var items = node.putArray("line_items");
        for (LineItem item : order.lineItems()) {
            ObjectNode rest = items.addObject();
            rest.put("id", item.id());
            rest.put("admin_graphql_api_id", gid("LineItem", item.id()));
            rest.put("name", item.title());
            rest.put("title", item.title());
            rest.put("variant_title", item.variantTitle());
            rest.put("sku", item.sku());
            rest.put("vendor", item.vendor());
            rest.put("quantity", item.quantity());
            rest.put("price", money(item.price()));
            rest.put("total_discount", money(item.totalDiscount()));
            rest.put("product_id", item.productId());
            rest.put("variant_id", item.variantId());
        }
        return node;
    }

    // ---- the app's lifecycle and privacy (compliance) webhooks ----

    /**
     * app/uninstalled: the shop as REST renders it, in the fields and order of the documented example. The simulator's
     * shops have one made-up owner and address in New York (the time zone GraphQL's {@code shop} reports).
     */
    public static ObjectNode shop(long shopId, String domain, Instant createdAt, Instant updatedAt) {
        ObjectNode node = JSON.objectNode();
        String email = "owner@" + domain;
        node.put("id", shopId);
        node.put("name", domain);
        node.put("email", email);
        node.put("domain", domain);
        node.put("province", "New York");
        node.put("country", "US");
        node.put("address1", "151 West 34th Street");
        node.put("zip", "10001");
        node.put("city", "New York");
        node.putNull("source");
        node.put("phone", "2125550142");
        node.put("latitude", 40.7506);
        node.put("longitude", -73.9894);
        node.put("primary_locale", "en");
        node.putNull("address2");
        node.put("created_at", REST_TIME.format(createdAt.truncatedTo(ChronoUnit.SECONDS).atZone(SHOP_ZONE)));
        node.put("updated_at", REST_TIME.format(updatedAt.truncatedTo(ChronoUnit.SECONDS).atZone(SHOP_ZONE)));
        node.put("country_code", "US");
        node.put("country_name", "United States");
        node.put("currency", "USD");
        node.put("customer_email", email);
        node.put("timezone", "(GMT-05:00) Eastern Time (US & Canada)");
        node.put("iana_timezone", SHOP_ZONE.getId());
        node.put("shop_owner", "Sam Simulator");
        node.put("money_format", "${{amount}}");
        node.put("money_with_currency_format", "${{amount}} USD");
        node.put("weight_unit", "lb");
        node.put("province_code", "NY");
        node.put("taxes_included", false);
        node.putNull("auto_configure_tax_inclusivity");
        node.put("tax_shipping", false);
        node.put("county_taxes", true);
        node.put("plan_display_name", "Basic");
        node.put("plan_name", "basic");
        node.put("has_discounts", false);
        node.put("has_gift_cards", false);
        node.put("myshopify_domain", domain);
        node.putNull("google_apps_domain");
        node.putNull("google_apps_login_enabled");
        node.put("money_in_emails_format", "${{amount}}");
        node.put("money_with_currency_in_emails_format", "${{amount}} USD");
        node.put("eligible_for_payments", true);
        node.put("requires_extra_payments_agreement", false);
        node.put("password_enabled", false);
        node.put("has_storefront", true);
        node.put("finances", true);
        node.put("primary_location_id", PRIMARY_LOCATION_BASE + shopId % 1_000_000_000L);
        node.put("checkout_api_supported", true);
        node.put("multi_location_enabled", true);
        node.put("setup_required", false);
        node.put("pre_launch_enabled", false);
        node.putArray("enabled_presentment_currencies").add("USD");
        node.put("marketing_sms_consent_enabled_at_checkout", false);
        node.put("transactional_sms_disabled", false);
        return node;
    }

    /** customers/redact: the customer to erase and every order of theirs, as Shopify lists them (newest first). */
    public static ObjectNode customersRedact(long shopId, String shopDomain, Customer customer, List<Long> orderIds) {
        ObjectNode node = complianceHeader(shopId, shopDomain);
        node.set("customer", complianceCustomer(customer));
        orderIds.forEach(node.putArray("orders_to_redact")::add);
        return node;
    }

    /** customers/data_request: what the app holds about the customer and their orders, for {@code dataRequestId}. */
    public static ObjectNode customersDataRequest(long shopId, String shopDomain, Customer customer, List<Long> orderIds,
                                                  long dataRequestId) {
        ObjectNode node = complianceHeader(shopId, shopDomain);
        node.set("customer", complianceCustomer(customer));
        orderIds.forEach(node.putArray("orders_requested")::add);
        node.putObject("data_request").put("id", dataRequestId);
        return node;
    }

    /** shop/redact: erase everything of the shop (48 hours after the app was uninstalled). */
    public static ObjectNode shopRedact(long shopId, String shopDomain) {
        return complianceHeader(shopId, shopDomain);
    }

    private static ObjectNode complianceHeader(long shopId, String shopDomain) {
        ObjectNode node = JSON.objectNode();
        node.put("shop_id", shopId);
        node.put("shop_domain", shopDomain);
        return node;
    }

    private static ObjectNode complianceCustomer(Customer customer) {
        ObjectNode node = JSON.objectNode();
        node.put("id", customer.id());
        node.put("email", customer.email());
        node.put("phone", customer.phone());
        return node;
    }

    // ---- values ----

    /** GraphQL's DateTime: UTC, whole seconds. */
    public static String utc(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String local(Instant instant, ZoneOffset offset) {
        return instant == null ? null : REST_TIME.format(instant.truncatedTo(ChronoUnit.SECONDS).atOffset(offset));
    }

    private static String money(BigDecimal amount) {
        return amount.setScale(2, java.math.RoundingMode.HALF_UP).toPlainString();
    }

    private static String displayName(Customer customer) {
        String name = ((customer.firstName() == null ? "" : customer.firstName()) + " "
                + (customer.lastName() == null ? "" : customer.lastName())).trim();
        return name.isEmpty() ? customer.email() : name;
    }

    /** A map that, unlike {@link Map#of}, keeps its order and takes nulls (GraphQL nulls are data). */
    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
