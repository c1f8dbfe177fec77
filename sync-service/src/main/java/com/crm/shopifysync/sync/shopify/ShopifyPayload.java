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

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    });

    public static ShopifyPayload of(byte[] raw) {
        return of(new String(raw, StandardCharsets.UTF_8), raw);
    }

    /** When the text is at hand already (a bulk file's line): {@code raw} must be its UTF-8 bytes. */
    public static ShopifyPayload of(String json, byte[] raw) {
        return new ShopifyPayload(json, HexFormat.of().formatHex(SHA_256.get().digest(raw)));
    }
}
