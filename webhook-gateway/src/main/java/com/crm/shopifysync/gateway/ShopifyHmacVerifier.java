package com.crm.shopifysync.gateway;

import com.crm.shopifysync.model.WebhookSignature;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;

/**
 * Shopify's webhook signature: base64(HMAC-SHA256(client secret, raw body bytes)) in
 * {@code X-Shopify-Hmac-Sha256}. Checked on the bytes as received, before anything parses them, and
 * compared in constant time against every configured secret (several during a secret rotation).
 */
public final class ShopifyHmacVerifier {

    /** Why a delivery was rejected; logged, never returned to the caller. */
    public enum Rejection {
        MISSING_HMAC("missing X-Shopify-Hmac-Sha256"),
        MALFORMED_HMAC("X-Shopify-Hmac-Sha256 is not a base64 SHA-256 digest"),
        EMPTY_BODY("empty body"),
        SIGNATURE_MISMATCH("signature matches no configured secret");

        private final String reason;

        Rejection(String reason) {
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    private final List<SecretKeySpec> keys;

    public ShopifyHmacVerifier(List<String> secrets) {
        if (secrets.isEmpty() || secrets.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("at least one non-blank webhook secret is required");
        }
        this.keys = secrets.stream().map(WebhookSignature::key).toList();
    }

    /** Empty when the signature is valid for one of the secrets, otherwise why it is not. */
    public Optional<Rejection> verify(byte[] body, String hmacHeader) {
        if (hmacHeader == null || hmacHeader.isBlank()) {
            return Optional.of(Rejection.MISSING_HMAC);
        }
        Optional<byte[]> presented = decode(hmacHeader.strip());
        if (presented.isEmpty()) {
            return Optional.of(Rejection.MALFORMED_HMAC);
        }
        if (body.length == 0) {
            return Optional.of(Rejection.EMPTY_BODY);
        }
        boolean matches = false;
        for (SecretKeySpec key : keys) {
            // no early exit: every secret is tried, so timing does not tell which one matched
            matches |= MessageDigest.isEqual(WebhookSignature.digest(key, body), presented.get());
        }
        return matches ? Optional.empty() : Optional.of(Rejection.SIGNATURE_MISMATCH);
    }

    private static Optional<byte[]> decode(String header) {
        try {
            byte[] digest = Base64.getDecoder().decode(header);
            return digest.length == WebhookSignature.DIGEST_LENGTH ? Optional.of(digest) : Optional.empty();
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }
}
