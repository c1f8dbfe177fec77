package com.crm.shopifysync.bench;

import java.time.Instant;

/** Realistic REST-shaped webhook bodies of a chosen size, in the shape of Shopify's documented examples. */
final class Bodies {

    private Bodies() {
    }

    static String customer(long id, Instant updatedAt, int targetBytes) {
        String body = """
                {"id":%d,"admin_graphql_api_id":"gid://shopify/Customer/%d","email":"customer%d@example.com",\
                "created_at":"2025-12-31T19:00:00-05:00","updated_at":"%s","first_name":"Bob","last_name":"Biller",\
                "state":"enabled","verified_email":true,"tax_exempt":false,"phone":null,"currency":"USD",\
                "tags":"vip, newsletter","orders_count":3,"total_spent":"375.30",\
                "email_marketing_consent":{"state":"subscribed","opt_in_level":"single_opt_in","consent_updated_at":"2025-06-01T10:00:00-04:00"},\
                "default_address":{"id":%d,"customer_id":%d,"first_name":"Bob","last_name":"Biller","address1":"151 O'Connor Street",\
                "city":"Ottawa","province":"ON","country":"CA","zip":"K2P 2L8","phone":"555-555-5555","name":"Bob Biller",\
                "province_code":"ON","country_code":"CA","country_name":"Canada","default":true},\
                "note":"%s"}"""
                .formatted(id, id, id, updatedAt, id + 1, id, "");
        return pad(body, targetBytes);
    }

    static String order(long id, long customerId, Instant updatedAt, int targetBytes) {
        StringBuilder lineItems = new StringBuilder();
        for (int line = 0; line < 3; line++) {
            long lineId = id * 10 + line;
            lineItems.append(line == 0 ? "" : ",").append("""
                    {"id":%d,"admin_graphql_api_id":"gid://shopify/LineItem/%d","title":"Aviator sunglasses","quantity":%d,\
                    "price":"89.99","sku":"SKU2006-00%d","product_id":788032119674292922,"variant_id":null,"vendor":"Acme",\
                    "total_discount":"0.00","taxable":true,"requires_shipping":true,"fulfillment_status":null}"""
                    .formatted(lineId, lineId, line + 1, line));
        }
        String body = """
                {"id":%d,"admin_graphql_api_id":"gid://shopify/Order/%d","name":"#%d","order_number":%d,\
                "email":"customer%d@example.com","created_at":"2025-12-31T19:00:00-05:00","updated_at":"%s",\
                "processed_at":"2025-12-31T19:00:00-05:00","financial_status":"paid","fulfillment_status":null,\
                "currency":"USD","total_price":"404.95","subtotal_price":"404.95","total_tax":"0.00","total_discounts":"20.00",\
                "tags":"tag1, tag2","customer":{"id":%d,"admin_graphql_api_id":"gid://shopify/Customer/%d"},\
                "line_items":[%s],"note":"%s"}"""
                .formatted(id, id, id, id, customerId, updatedAt, customerId, customerId, lineItems, "");
        return pad(body, targetBytes);
    }

    /** Fills the note field so the body reaches the target size (bodies vary in size in reality too). */
    private static String pad(String body, int targetBytes) {
        int missing = targetBytes - body.length();
        return missing <= 0 ? body : body.replace("\"note\":\"\"", "\"note\":\"" + "x".repeat(missing) + "\"");
    }
}
