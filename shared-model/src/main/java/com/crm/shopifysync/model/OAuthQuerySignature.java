package com.crm.shopifysync.model;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The {@code hmac} Shopify adds to the query of the requests it sends an app through the browser (the OAuth callback,
 * the app URL opened on install): lowercase hex HMAC-SHA256, with the app's client secret, of the other parameters
 * (not {@code hmac}, nor the legacy {@code signature}) sorted by name, each {@code name=value} form-URL-encoded, joined
 * by {@code &}. The sync-service verifies it; the simulator and tests sign with it.
 */
public final class OAuthQuerySignature {

    private OAuthQuerySignature() {
    }

    /** The message signed: the parameters (decoded values) without hmac and signature, sorted, encoded. */
    public static String message(Map<String, String> parameters) {
        return new TreeMap<>(parameters).entrySet().stream()
                .filter(parameter -> !parameter.getKey().equals("hmac") && !parameter.getKey().equals("signature"))
                .map(parameter -> encode(parameter.getKey()) + "=" + encode(parameter.getValue()))
                .collect(Collectors.joining("&"));
    }

    public static String sign(String secret, Map<String, String> parameters) {
        byte[] digest = WebhookSignature.digest(WebhookSignature.key(secret), message(parameters).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest);
    }

    /** Whether {@code hmac} is the parameters' signature with {@code secret}; compared in constant time. */
    public static boolean verify(String secret, Map<String, String> parameters, String hmac) {
        if (hmac == null) {
            return false;
        }
        byte[] expected = sign(secret, parameters).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, hmac.strip().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
