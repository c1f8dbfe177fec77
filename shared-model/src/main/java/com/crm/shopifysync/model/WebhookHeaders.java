package com.crm.shopifysync.model;

/**
 * Names of the Kafka record headers that carry a webhook delivery's metadata. Values are UTF-8 strings.
 * The Shopify header each one comes from is named beside it.
 */
public final class WebhookHeaders {

    /**
     * Not Shopify's: the topic of the event the gateway publishes after it refused a shop's webhooks for a while (Kafka
     * unavailable), asking the sync-service for a catch-up sync of the shop.
     */
    public static final String CATCH_UP_TOPIC = "crm/catch_up";

    /** {@code X-Shopify-Topic}, e.g. {@code orders/updated}. Always present. */
    public static final String TOPIC = "shopify-topic";
    /** {@code X-Shopify-Shop-Domain}, lower-cased, e.g. {@code snowdevil.myshopify.com}. Always present. */
    public static final String SHOP_DOMAIN = "shopify-shop-domain";
    /** {@code X-Shopify-Webhook-Id}: one delivery attempt's id. Always present. */
    public static final String WEBHOOK_ID = "shopify-webhook-id";
    /** {@code X-Shopify-Event-Id}: shared by every delivery of one merchant action. Optional. */
    public static final String EVENT_ID = "shopify-event-id";
    /** {@code X-Shopify-Triggered-At}: when Shopify raised the event (ISO-8601). Optional. */
    public static final String TRIGGERED_AT = "shopify-triggered-at";
    /** {@code X-Shopify-API-Version}, e.g. {@code 2026-01}. Optional. */
    public static final String API_VERSION = "shopify-api-version";
    /** When the gateway accepted the delivery (ISO-8601 instant, UTC). Always present. */
    public static final String RECEIVED_AT = "received-at";

    private WebhookHeaders() {
    }
}
