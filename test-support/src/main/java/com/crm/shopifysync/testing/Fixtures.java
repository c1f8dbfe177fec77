package com.crm.shopifysync.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Real Shopify material (see fixtures/ATTRIBUTION.md): documented webhook payloads and HMAC vectors. */
public final class Fixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    /** A documented webhook payload's exact bytes, by topic: {@code webhook("orders/updated")}. */
    public static byte[] webhook(String topic) {
        return resource("fixtures/webhooks/" + topic.replace('/', '_') + ".json");
    }

    /** A real bulk operation result file (JSONL), by name: {@code bulk("orders-lineitems.jsonl")}. */
    public static byte[] bulk(String name) {
        return resource("fixtures/bulk/" + name);
    }

    public static JsonNode webhookJson(String topic) {
        try {
            return JSON.readTree(webhook(topic));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One HMAC test vector: the raw body, the header value presented, and the right decision. */
    public record HmacVector(String secret, String body, String hmac, boolean expectedValid, String source, String note) {
        @Override
        public String toString() {
            return source + ": " + (note == null ? "" : note);
        }
    }

    public static List<HmacVector> hmacVectors() {
        try {
            List<HmacVector> vectors = new ArrayList<>();
            for (JsonNode node : JSON.readTree(resource("fixtures/hmac-vectors.json"))) {
                vectors.add(new HmacVector(node.get("secret").asText(), node.get("body").asText(), node.get("hmac").asText(),
                        node.get("expected_valid").asBoolean(), node.path("source").asText(), node.path("note").asText(null)));
            }
            return vectors;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] resource(String path) {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
