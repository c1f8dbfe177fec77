package com.crm.shopifysync.model;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Shopify's webhook signature: base64(HMAC-SHA256(app client secret, raw body bytes)), sent as
 * {@code X-Shopify-Hmac-Sha256}. The gateway verifies it; the simulator and the tests sign with it.
 */
public final class WebhookSignature {

    public static final String ALGORITHM = "HmacSHA256";
    public static final int DIGEST_LENGTH = 32;

    private WebhookSignature() {
    }

    public static SecretKeySpec key(String secret) {
        return new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    public static byte[] digest(SecretKeySpec key, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /** The header value Shopify sends for this body when signing with {@code secret}. */
    public static String sign(String secret, byte[] body) {
        return Base64.getEncoder().encodeToString(digest(key(secret), body));
    }
}
