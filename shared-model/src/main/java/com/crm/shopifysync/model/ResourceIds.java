package com.crm.shopifysync.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Optional;

/**
 * Shopify resource ids. Numeric ids are 64-bit and exceed a double's precision, so they are kept as
 * {@code long}s or strings, never parsed as floating point; the GID ({@code gid://shopify/Customer/123})
 * is the exact form both REST-shaped webhooks and GraphQL exports share.
 */
public final class ResourceIds {

    private static final JsonFactory JSON = new JsonFactory();

    private ResourceIds() {
    }

    /** The numeric id at the end of a GID, ignoring a query suffix ({@code ...?model_name=X}). */
    public static Optional<Long> fromGid(String gid) {
        if (gid == null || !gid.startsWith("gid://shopify/")) {
            return Optional.empty();
        }
        int end = gid.indexOf('?');
        String path = end < 0 ? gid : gid.substring(0, end);
        String last = path.substring(path.lastIndexOf('/') + 1);
        try {
            return Optional.of(Long.parseLong(last));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The resource id of a webhook body, read by streaming over its top-level fields only: the numeric
     * id of {@code admin_graphql_api_id} (or of {@code customerId}, in the customer topics that carry only that GID)
     * when present (exact), otherwise {@code id}, otherwise {@code customer_id} (the email consent topic). Empty for
     * a body that is not a JSON object or carries none; never throws, since the gateway must accept whatever bytes
     * Shopify signed.
     */
    public static Optional<String> topLevelId(byte[] body) {
        String plainId = null;
        String customerId = null;
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (("admin_graphql_api_id".equals(field) || "customerId".equals(field)) && value == JsonToken.VALUE_STRING) {
                    Optional<Long> exact = fromGid(parser.getText());
                    if (exact.isPresent()) {
                        return exact.map(String::valueOf);
                    }
                } else if ("id".equals(field) && (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_STRING)) {
                    plainId = parser.getText();
                } else if ("customer_id".equals(field) && value == JsonToken.VALUE_NUMBER_INT) {
                    customerId = parser.getText();
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException malformed) {
            // fall through: a malformed tail still leaves an id read before it usable
        }
        return Optional.ofNullable(plainId != null ? plainId : customerId);
    }
}
