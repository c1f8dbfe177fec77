package com.crm.shopifysync.sync.shopify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Shopify's complete payload, kept beside the typed columns so that no Shopify data is lost, with a
 * SHA-256 of its bytes: the deterministic tie-breaker when two versions carry the same {@code updated_at}.
 */
public record ShopifyPayload(String json, String sha256) {

    public static ShopifyPayload of(byte[] raw) {
        try {
            return new ShopifyPayload(new String(raw, StandardCharsets.UTF_8),
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }
}
