package com.crm.shopifysync.model;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The metadata of one verified Shopify webhook delivery, as carried in the headers of a
 * {@link Topics#WEBHOOKS} record (names in {@link WebhookHeaders}). The record's value is the body
 * exactly as Shopify sent it; its key is {@link #recordKey(byte[])}.
 */
public record WebhookDelivery(
        String topic,
        String shopDomain,
        String webhookId,
        Optional<String> eventId,
        Optional<String> triggeredAt,
        Optional<String> apiVersion,
        Instant receivedAt) {

    public WebhookDelivery {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(shopDomain, "shopDomain");
        Objects.requireNonNull(webhookId, "webhookId");
        Objects.requireNonNull(receivedAt, "receivedAt");
        shopDomain = ShopDomains.normalize(shopDomain);
        eventId = eventId.filter(id -> !id.isBlank());
        triggeredAt = triggeredAt.filter(at -> !at.isBlank());
        apiVersion = apiVersion.filter(version -> !version.isBlank());
    }

    /**
     * What makes two deliveries "the same event": Shopify repeats the event id across retries of one
     * merchant action; where it sends none, each delivery's webhook id is all we have.
     */
    public String deduplicationKey() {
        return eventId.map(id -> "event:" + id).orElse("webhook:" + webhookId);
    }

    /**
     * The resource family the topic is about: {@code customers} for {@code customers/update}, and for the topics that
     * carry one part of a customer ({@code customer.tags_added}, {@code customers_email_marketing_consent/update}, …),
     * so that all of one customer's events share a key.
     */
    public String resource() {
        if (topic.startsWith("customer.") || topic.startsWith("customers_")) {
            return "customers";
        }
        int slash = topic.indexOf('/');
        return slash < 0 ? topic : topic.substring(0, slash);
    }

    /**
     * The Kafka key: shop, resource family and the resource's id, so one customer's or one order's
     * events keep their order in one partition while shops and resources spread across partitions.
     * A body without a recognisable id is keyed by its webhook id (it still lands in a partition).
     */
    public String recordKey(byte[] body) {
        String id = ResourceIds.topLevelId(body).orElse("webhook-" + webhookId);
        return shopDomain + "/" + resource() + "/" + id;
    }

    public Map<String, String> toHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(WebhookHeaders.TOPIC, topic);
        headers.put(WebhookHeaders.SHOP_DOMAIN, shopDomain);
        headers.put(WebhookHeaders.WEBHOOK_ID, webhookId);
        eventId.ifPresent(value -> headers.put(WebhookHeaders.EVENT_ID, value));
        triggeredAt.ifPresent(value -> headers.put(WebhookHeaders.TRIGGERED_AT, value));
        apiVersion.ifPresent(value -> headers.put(WebhookHeaders.API_VERSION, value));
        headers.put(WebhookHeaders.RECEIVED_AT, receivedAt.toString());
        return headers;
    }

    /**
     * Reads the metadata back from record headers.
     *
     * @throws IllegalArgumentException when a header that is always present is missing or invalid
     */
    public static WebhookDelivery fromHeaders(Function<String, Optional<String>> header) {
        return new WebhookDelivery(
                required(header, WebhookHeaders.TOPIC),
                required(header, WebhookHeaders.SHOP_DOMAIN),
                required(header, WebhookHeaders.WEBHOOK_ID),
                header.apply(WebhookHeaders.EVENT_ID),
                header.apply(WebhookHeaders.TRIGGERED_AT),
                header.apply(WebhookHeaders.API_VERSION),
                parseInstant(required(header, WebhookHeaders.RECEIVED_AT)));
    }

    private static String required(Function<String, Optional<String>> header, String name) {
        return header.apply(name).filter(value -> !value.isBlank())
                .orElseThrow(() -> new IllegalArgumentException("record header '" + name + "' is missing"));
    }

    private static Instant parseInstant(String value) {
        try {
            return Instant.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("record header '" + WebhookHeaders.RECEIVED_AT
                    + "' is not an ISO-8601 instant: " + value, e);
        }
    }
}
