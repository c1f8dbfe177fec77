package com.crm.shopifysync.testing;

import com.crm.shopifysync.model.WebhookSignature;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** A webhook delivery as Shopify would send it: body bytes plus the signed X-Shopify-* headers. */
public record SignedWebhook(String topic, String shopDomain, String webhookId, String eventId, String triggeredAt,
                            byte[] body, String hmac) {

    public static final String API_VERSION = "2026-01";

    public static SignedWebhook of(String topic, String shopDomain, byte[] body, String secret) {
        return new SignedWebhook(topic, shopDomain, UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                "2026-11-29T12:00:00.000000Z", body, WebhookSignature.sign(secret, body));
    }

    /** Shopify's retry of the same event: a new delivery (webhook id), the same event id. */
    public SignedWebhook redelivered() {
        return new SignedWebhook(topic, shopDomain, UUID.randomUUID().toString(), eventId, triggeredAt, body, hmac);
    }

    public SignedWebhook withHmac(String value) {
        return new SignedWebhook(topic, shopDomain, webhookId, eventId, triggeredAt, body, value);
    }

    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("X-Shopify-Topic", topic);
        headers.put("X-Shopify-Shop-Domain", shopDomain);
        headers.put("X-Shopify-Webhook-Id", webhookId);
        headers.put("X-Shopify-Event-Id", eventId);
        headers.put("X-Shopify-Triggered-At", triggeredAt);
        headers.put("X-Shopify-API-Version", API_VERSION);
        if (hmac != null) {
            headers.put("X-Shopify-Hmac-Sha256", hmac);
        }
        return headers;
    }
}
