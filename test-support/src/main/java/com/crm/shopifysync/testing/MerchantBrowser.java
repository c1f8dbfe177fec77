package com.crm.shopifysync.testing;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a merchant's browser does in Shopify's OAuth, without a browser: opens the authorization page, presses Install
 * (posts the page's form), and follows Shopify's redirect to the app's callback. Each step's response is returned, so a
 * test can also stop at any step (to replay a callback, or tamper with it).
 */
public final class MerchantBrowser {

    private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">");
    private static final Pattern FORM_ACTION = Pattern.compile("<form method=\"post\" action=\"([^\"]*)\">");

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** Opens the authorization page and presses Install: Shopify's redirect to the callback (its URL, not yet followed). */
    public URI approve(String authorizeUrl) throws Exception {
        HttpResponse<String> page = get(URI.create(authorizeUrl));
        if (page.statusCode() != 200 || !page.body().contains("id=\"install\"")) {
            throw new IllegalStateException("no install page at " + authorizeUrl + ": HTTP " + page.statusCode() + " " + page.body());
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher hidden = HIDDEN.matcher(page.body());
        while (hidden.find()) {
            fields.put(unescape(hidden.group(1)), unescape(hidden.group(2)));
        }
        Matcher action = FORM_ACTION.matcher(page.body());
        if (!action.find()) {
            throw new IllegalStateException("the install page has no form");
        }
        String form = fields.entrySet().stream().map(field -> encode(field.getKey()) + "=" + encode(field.getValue()))
                .collect(Collectors.joining("&"));
        HttpResponse<String> approved = http.send(HttpRequest.newBuilder(URI.create(authorizeUrl).resolve(unescape(action.group(1))))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (approved.statusCode() != 302) {
            throw new IllegalStateException("Install answered HTTP " + approved.statusCode() + ": " + approved.body());
        }
        return URI.create(approved.headers().firstValue("Location").orElseThrow());
    }

    /** A GET as the browser makes it, redirects not followed. */
    public HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A callback URL's query, decoded. */
    public static Map<String, String> query(URI uri) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int equals = pair.indexOf('=');
            parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return parameters;
    }

    /** The URL with this query (encoded). */
    public static URI withQuery(URI uri, Map<String, String> parameters) {
        String query = parameters.entrySet().stream().map(parameter -> encode(parameter.getKey()) + "=" + encode(parameter.getValue()))
                .collect(Collectors.joining("&"));
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath() + "?" + query);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String unescape(String html) {
        return html.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'").replace("&amp;", "&");
    }
}
