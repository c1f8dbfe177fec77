package com.crm.shopifysync.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** What an app does over HTTP against the simulator: OAuth as a browser and a server would, and Admin API calls. */
final class SimulatorHttp {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String REDIRECT_URI = "https://crm.example/integrations/shopify/callback";
    static final String SCOPES = "read_customers,read_orders,read_all_orders";
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private final ShopifySimulator simulator;
    private final String clientId;
    private final String clientSecret;

    SimulatorHttp(ShopifySimulator simulator, String clientId, String clientSecret) {
        this.simulator = simulator;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    /** The merchant presses Install on the shop's install page; returns the redirect's query parameters. */
    Map<String, String> approve(String shop, String state) {
        HttpResponse<String> response = postForm(simulator.baseUrl(shop) + "/admin/oauth/authorize", Map.of("client_id", clientId,
                "scope", SCOPES, "redirect_uri", REDIRECT_URI, "state", state, "grant_options[]", ""));
        assertThat(response.statusCode()).isEqualTo(302);
        String location = response.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(REDIRECT_URI + "?");
        return query(location.substring(location.indexOf('?') + 1));
    }

    /** The whole install: approve, then exchange the code for an expiring pair. */
    JsonNode install(String shop) {
        HttpResponse<String> exchanged = exchange(shop, approve(shop, "install-state").get("code"), true);
        assertThat(exchanged.statusCode()).isEqualTo(200);
        return json(exchanged);
    }

    HttpResponse<String> exchange(String shop, String code, boolean expiring) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("client_id", clientId, "client_secret", clientSecret, "code", code));
        if (expiring) {
            body.put("expiring", "1");
        }
        return postJson(simulator.baseUrl(shop) + "/admin/oauth/access_token", body);
    }

    HttpResponse<String> refresh(String shop, String refreshToken) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(simulator.baseUrl(shop) + "/admin/oauth/access_token"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(write(Map.of(
                        "client_id", clientId, "client_secret", clientSecret, "grant_type", "refresh_token", "refresh_token", refreshToken))))
                .build());
    }

    /** A GraphQL call through the shop's base URL. */
    HttpResponse<String> graphQl(String shop, String token, String query, Map<String, Object> variables) {
        return graphQlAt(simulator.baseUrl(shop) + "/admin/api/" + AdminSchema.VERSION + "/graphql.json", token, query, variables);
    }

    HttpResponse<String> graphQlAt(String url, String token, String query, Map<String, Object> variables) {
        return unchecked(() -> send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("X-Shopify-Access-Token", token)
                .POST(HttpRequest.BodyPublishers.ofString(write(Map.of("query", query, "variables", variables)))).build()));
    }

    /** A GraphQL call expected to succeed: its JSON body. */
    JsonNode data(String shop, String token, String query, Map<String, Object> variables) {
        HttpResponse<String> response = graphQl(shop, token, query, variables);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.has("errors")).as(response.body()).isFalse();
        return body.path("data");
    }

    HttpResponse<String> get(String url) {
        return unchecked(() -> send(HttpRequest.newBuilder(URI.create(url)).GET().build()));
    }

    HttpResponse<String> postForm(String url, Map<String, String> form) {
        String body = form.entrySet().stream().map(entry -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
                .collect(Collectors.joining("&"));
        return unchecked(() -> send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build()));
    }

    HttpResponse<String> postJson(String url, Object body) {
        return unchecked(() -> send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(write(body))).build()));
    }

    HttpResponse<String> put(String url, Object body) {
        return unchecked(() -> send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(write(body))).build()));
    }

    HttpResponse<String> delete(String url) {
        return unchecked(() -> send(HttpRequest.newBuilder(URI.create(url)).DELETE().build()));
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A query string's parameters, decoded. */
    static Map<String, String> query(String query) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return parameters;
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static String write(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface Call {
        HttpResponse<String> run() throws IOException;
    }

    private static HttpResponse<String> unchecked(Call call) {
        try {
            return call.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
