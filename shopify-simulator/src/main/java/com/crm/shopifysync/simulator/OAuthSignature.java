package com.crm.shopifysync.simulator;

import com.crm.shopifysync.model.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The {@code hmac} of Shopify's OAuth redirects: lowercase hex HMAC-SHA256, keyed with the app's client secret, of
 * every other query parameter (not {@code hmac}, not {@code signature}) sorted by name as {@code name=value}, joined
 * with {@code &}. Values are taken decoded, as they were before the redirect URL encoded them; Shopify's documented
 * escaping applies ({@code %} and {@code &} in names and values, {@code =} in names), so a value can never forge a
 * separator. For the values Shopify sends (hex codes, base64 hosts, shop domains, digits) that escaping never applies.
 */
public final class OAuthSignature {

    private OAuthSignature() {
    }

    /** The {@code hmac} Shopify adds to a redirect carrying these parameters. */
    public static String sign(String clientSecret, Map<String, String> parameters) {
        byte[] digest = WebhookSignature.digest(WebhookSignature.key(clientSecret), message(parameters).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest);
    }

    /** Whether the parameters' {@code hmac} is the one the client secret gives them (compared in constant time). */
    public static boolean verify(String clientSecret, Map<String, String> parameters) {
        String presented = parameters.get("hmac");
        return presented != null && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                sign(clientSecret, parameters).getBytes(StandardCharsets.UTF_8));
    }

    /** The signed message: the parameters but {@code hmac} and {@code signature}, sorted by name. */
    public static String message(Map<String, String> parameters) {
        return new TreeMap<>(parameters).entrySet().stream()
                .filter(parameter -> !parameter.getKey().equals("hmac") && !parameter.getKey().equals("signature"))
                .map(parameter -> escape(parameter.getKey()).replace("=", "%3D") + "=" + escape(parameter.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String escape(String text) {
        return text.replace("%", "%25").replace("&", "%26");
    }
}
