package com.crm.shopifysync.simulator;

import static com.crm.shopifysync.simulator.SimulatorHttp.REDIRECT_URI;
import static com.crm.shopifysync.simulator.SimulatorHttp.SCOPES;
import static com.crm.shopifysync.simulator.SimulatorHttp.encode;
import static com.crm.shopifysync.simulator.SimulatorHttp.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.simulator.ShopifySimulator.Options;
import com.crm.shopifysync.simulator.ShopifySimulator.ShopSpec;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The public app's OAuth as a non-embedded app meets it: install page, signed redirect, code and refresh grants. */
class SimulatorOAuthTest {

    private static final String CLIENT_ID = "crm-client-id";
    private static final String CLIENT_SECRET = "crm-client-secret";
    private static final String SHOP = "oauth-shop.myshopify.com";
    private static final String OTHER_SHOP = "other-oauth-shop.myshopify.com";
    private static final String STATIC_SHOP = "custom-app-shop.myshopify.com";
    private static final String INVALID_TOKEN = "{\"errors\":\"[API] Invalid API key or access token (unrecognized login or wrong password)\"}";
    private static final String SHOP_QUERY = "{ shop { myshopifyDomain } currentAppInstallation { accessScopes { handle } } }";
    private static ShopifySimulator simulator;
    private static SimulatorHttp app;

    @BeforeAll
    static void start() {
        simulator = new ShopifySimulator(Options.defaults().withApp(CLIENT_ID, CLIENT_SECRET)).start();
        simulator.addShop(ShopSpec.notInstalled(SHOP, 10, 20, 3));
        simulator.addShop(ShopSpec.notInstalled(OTHER_SHOP, 5, 5, 4));
        simulator.addShop(new ShopSpec(STATIC_SHOP, "static-token", ShopSpec.ALL_SCOPES, 5, 5, 5));
        app = new SimulatorHttp(simulator, CLIENT_ID, CLIENT_SECRET);
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void theInstallPageShowsTheShopTheAppAndTheScopes() {
        HttpResponse<String> page = app.get(authorizeUrl(SHOP, CLIENT_ID, SCOPES, REDIRECT_URI));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.body()).contains("Install app", SHOP, CLIENT_ID, "read_customers", "read_orders", "read_all_orders")
                .contains("<button type=\"submit\" id=\"install\">Install</button>")
                .contains("action=\"/shops/" + SHOP + "/admin/oauth/authorize\"")
                .contains("name=\"redirect_uri\" value=\"" + REDIRECT_URI + "\"");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "another app's client id | oauth-shop.myshopify.com | someone-else | read_customers | https://crm.example/cb",
            "no redirect_uri         | oauth-shop.myshopify.com | crm-client-id | read_customers | ''",
            "a relative redirect_uri | oauth-shop.myshopify.com | crm-client-id | read_customers | /callback",
            "an ftp redirect_uri     | oauth-shop.myshopify.com | crm-client-id | read_customers | ftp://crm.example/cb",
            "an unknown scope        | oauth-shop.myshopify.com | crm-client-id | read_customers,read_minds | https://crm.example/cb",
            "no scope                | oauth-shop.myshopify.com | crm-client-id | '' | https://crm.example/cb",
            "an unknown shop         | nowhere.myshopify.com    | crm-client-id | read_customers | https://crm.example/cb"})
    void theInstallPageRefuses(String why, String shop, String clientId, String scope, String redirectUri) {
        HttpResponse<String> page = app.get(authorizeUrl(shop, clientId, scope, redirectUri));

        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.body()).contains("Oauth error").doesNotContain("id=\"install\"");
    }

    @Test
    void approvingRedirectsToTheAppWithAnHmacItCanVerify() {
        long before = Instant.now().getEpochSecond();
        Map<String, String> callback = app.approve(SHOP, "nonce-123");

        assertThat(callback).containsOnlyKeys("code", "hmac", "host", "shop", "state", "timestamp");
        assertThat(callback).containsEntry("shop", SHOP).containsEntry("state", "nonce-123");
        assertThat(new String(Base64.getUrlDecoder().decode(callback.get("host")), StandardCharsets.UTF_8))
                .isEqualTo("admin.shopify.com/store/oauth-shop");
        assertThat(Long.parseLong(callback.get("timestamp"))).isBetween(before, Instant.now().getEpochSecond());
        assertThat(callback.get("hmac")).isEqualTo(hexHmac(CLIENT_SECRET, callback)).matches("[0-9a-f]{64}");
        assertThat(OAuthSignature.verify(CLIENT_SECRET, callback)).isTrue();

        Map<String, String> forged = new LinkedHashMap<>(callback);
        forged.put("shop", OTHER_SHOP);
        assertThat(OAuthSignature.verify(CLIENT_SECRET, forged)).isFalse();
        assertThat(OAuthSignature.verify("another-secret", callback)).isFalse();
    }

    @Test
    void theCodeBuysOneExpiringTokenPairOnly() {
        String code = app.approve(SHOP, "s").get("code");

        HttpResponse<String> first = app.exchange(SHOP, code, true);
        HttpResponse<String> second = app.exchange(SHOP, code, true);

        assertThat(first.statusCode()).isEqualTo(200);
        JsonNode tokens = json(first);
        assertThat(tokens.fieldNames()).toIterable()
                .containsExactlyInAnyOrder("access_token", "scope", "expires_in", "refresh_token", "refresh_token_expires_in");
        assertThat(tokens.path("access_token").asText()).startsWith("shpat_");
        assertThat(tokens.path("refresh_token").asText()).startsWith("shprt_");
        assertThat(tokens.path("scope").asText()).isEqualTo(SCOPES);
        assertThat(tokens.path("expires_in").asLong()).isEqualTo(3600);
        assertThat(tokens.path("refresh_token_expires_in").asLong()).isEqualTo(7_776_000);
        assertThat(second.statusCode()).isEqualTo(400);
        assertThat(json(second).path("error").asText()).isNotBlank();
        assertThat(json(second).path("error_description").asText()).contains("already used");

        JsonNode data = app.data(SHOP, tokens.path("access_token").asText(), SHOP_QUERY, Map.of());
        assertThat(data.at("/shop/myshopifyDomain").asText()).isEqualTo(SHOP);
        assertThat(data.at("/currentAppInstallation/accessScopes").findValuesAsText("handle"))
                .containsExactlyInAnyOrder("read_customers", "read_orders", "read_all_orders");
        assertThat(simulator.shop(SHOP).orElseThrow().installed()).isTrue();
    }

    @Test
    void withoutExpiringTheFormEncodedExchangeGivesANonExpiringToken() {
        String code = app.approve(SHOP, "s").get("code");

        HttpResponse<String> response = app.postForm(simulator.baseUrl(SHOP) + "/admin/oauth/access_token",
                Map.of("client_id", CLIENT_ID, "client_secret", CLIENT_SECRET, "code", code));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).fieldNames()).toIterable().containsExactlyInAnyOrder("access_token", "scope");
        String token = json(response).path("access_token").asText();
        simulator.shop(SHOP).orElseThrow().expireAccessTokens();
        assertThat(app.graphQl(SHOP, token, SHOP_QUERY, Map.of()).statusCode()).isEqualTo(401);
    }

    @Test
    void anExpiredTokenIsRefusedUntilTheAppRefreshes() throws IOException {
        JsonNode tokens = app.install(SHOP);
        SimulatedShop shop = simulator.shop(SHOP).orElseThrow();
        long refreshesBefore = shop.tokenRefreshes();

        assertThat(app.postJson(simulator.adminUrl() + "/simulator/shops/" + SHOP + "/expire-tokens", Map.of()).statusCode())
                .isEqualTo(204);
        HttpResponse<String> refused = app.graphQl(SHOP, tokens.path("access_token").asText(), SHOP_QUERY, Map.of());
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).isEqualTo(INVALID_TOKEN);

        HttpResponse<String> refreshed = app.refresh(SHOP, tokens.path("refresh_token").asText());
        assertThat(refreshed.statusCode()).isEqualTo(200);
        JsonNode pair = json(refreshed);
        assertThat(pair.path("access_token").asText()).isNotEqualTo(tokens.path("access_token").asText()).startsWith("shpat_");
        assertThat(pair.path("refresh_token").asText()).isNotEqualTo(tokens.path("refresh_token").asText()).startsWith("shprt_");
        assertThat(pair.path("expires_in").asLong()).isEqualTo(3600);
        assertThat(pair.path("refresh_token_expires_in").asLong()).isEqualTo(7_776_000);
        assertThat(pair.path("scope").asText()).isEqualTo(SCOPES);
        assertThat(app.data(SHOP, pair.path("access_token").asText(), SHOP_QUERY, Map.of()).at("/shop/myshopifyDomain").asText())
                .isEqualTo(SHOP);
        assertThat(shop.tokenRefreshes()).isEqualTo(refreshesBefore + 1);
    }

    @Test
    void aRefreshTokenStaysUsableUntilItsReplacementIsUsed() throws IOException {
        JsonNode first = app.install(SHOP);
        String firstRefreshToken = first.path("refresh_token").asText();

        JsonNode second = json(app.refresh(SHOP, firstRefreshToken));
        // Using the new access token does not retire the refresh token that minted it ...
        app.data(SHOP, second.path("access_token").asText(), SHOP_QUERY, Map.of());
        HttpResponse<String> retried = app.refresh(SHOP, firstRefreshToken);
        assertThat(retried.statusCode()).isEqualTo(200);
        JsonNode third = json(retried);
        // ... and the access tokens minted before a refresh stay valid until their own expiry.
        app.data(SHOP, first.path("access_token").asText(), SHOP_QUERY, Map.of());
        app.data(SHOP, second.path("access_token").asText(), SHOP_QUERY, Map.of());

        // Using the replacement refresh token retires the one before it.
        assertThat(app.refresh(SHOP, third.path("refresh_token").asText()).statusCode()).isEqualTo(200);
        HttpResponse<String> retired = app.refresh(SHOP, firstRefreshToken);
        assertThat(retired.statusCode()).isEqualTo(400);
        assertThat(json(retired).path("error").asText()).isEqualTo("invalid_grant");
        assertThat(app.refresh(SHOP, "shprt_never-issued").statusCode()).isEqualTo(400);
    }

    @Test
    void aLostRefreshResponseIsRecoveredWithTheOldRefreshToken() throws IOException {
        JsonNode tokens = app.install(SHOP);
        SimulatedShop shop = simulator.shop(SHOP).orElseThrow();
        long refreshesBefore = shop.tokenRefreshes();
        app.postJson(simulator.adminUrl() + "/simulator/shops/" + SHOP + "/expire-tokens", Map.of());
        putFaults(SHOP, Map.of("lostRefreshResponses", 1));

        assertThatThrownBy(() -> app.refresh(SHOP, tokens.path("refresh_token").asText())).isInstanceOf(IOException.class);
        assertThat(shop.tokenRefreshes()).as("Shopify carried the refresh out").isEqualTo(refreshesBefore + 1);

        HttpResponse<String> retry = app.refresh(SHOP, tokens.path("refresh_token").asText());
        assertThat(retry.statusCode()).isEqualTo(200);
        app.data(SHOP, json(retry).path("access_token").asText(), SHOP_QUERY, Map.of());
    }

    @Test
    void wrongClientCredentialsAreAnInvalidClientAndLeaveTheCodeUnused() {
        String code = app.approve(SHOP, "s").get("code");

        HttpResponse<String> wrongSecret = app.postJson(simulator.baseUrl(SHOP) + "/admin/oauth/access_token",
                Map.of("client_id", CLIENT_ID, "client_secret", "guessed", "code", code, "expiring", "1"));
        HttpResponse<String> wrongClient = app.postJson(simulator.baseUrl(SHOP) + "/admin/oauth/access_token",
                Map.of("client_id", "someone-else", "client_secret", CLIENT_SECRET, "code", code, "expiring", "1"));

        assertThat(wrongSecret.statusCode()).isEqualTo(401);
        assertThat(json(wrongSecret).path("error").asText()).isEqualTo("invalid_client");
        assertThat(wrongClient.statusCode()).isEqualTo(401);
        assertThat(app.exchange(SHOP, code, true).statusCode()).isEqualTo(200);
    }

    @Test
    void aTokenOpensItsOwnShopOnly() {
        String token = app.install(OTHER_SHOP).path("access_token").asText();

        assertThat(app.graphQl(SHOP, token, SHOP_QUERY, Map.of()).body()).isEqualTo(INVALID_TOKEN);
        assertThat(app.data(OTHER_SHOP, token, SHOP_QUERY, Map.of()).at("/shop/myshopifyDomain").asText()).isEqualTo(OTHER_SHOP);
        // The unscoped Admin API URL finds the token's shop; a static custom-app token works under the shop's URL too.
        HttpResponse<String> unscoped = app.graphQlAt(simulator.adminUrl() + "/admin/api/2026-07/graphql.json", token, SHOP_QUERY, Map.of());
        assertThat(json(unscoped).at("/data/shop/myshopifyDomain").asText()).isEqualTo(OTHER_SHOP);
        assertThat(app.data(STATIC_SHOP, "static-token", SHOP_QUERY, Map.of()).at("/shop/myshopifyDomain").asText()).isEqualTo(STATIC_SHOP);
        assertThat(app.graphQl(SHOP, "static-token", SHOP_QUERY, Map.of()).statusCode()).isEqualTo(401);
    }

    @Test
    void aNotInstalledShopHasItsDataButNoToken() {
        SimulatedShop shop = simulator.addShop(ShopSpec.notInstalled("fresh.myshopify.com", 7, 9, 1));

        assertThat(shop.installed()).isFalse();
        assertThat(shop.customers()).hasSize(7);
        assertThat(shop.scopes()).isEmpty();
        assertThat(app.graphQl("fresh.myshopify.com", "", SHOP_QUERY, Map.of()).statusCode()).isEqualTo(401);
    }

    @Test
    void accessTokensExpireAfterTheConfiguredLifetime() {
        try (ShopifySimulator shortLived = new ShopifySimulator(Options.defaults().withApp(CLIENT_ID, CLIENT_SECRET)
                .withTokenLifetime(Duration.ofSeconds(1))).start()) {
            shortLived.addShop(ShopSpec.notInstalled(SHOP, 3, 3, 1));
            SimulatorHttp shortApp = new SimulatorHttp(shortLived, CLIENT_ID, CLIENT_SECRET);

            JsonNode tokens = shortApp.install(SHOP);

            assertThat(tokens.path("expires_in").asLong()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() ->
                    shortApp.graphQl(SHOP, tokens.path("access_token").asText(), SHOP_QUERY, Map.of()).statusCode() == 401);
        }
    }

    // ---- helpers ----

    private static String authorizeUrl(String shop, String clientId, String scope, String redirectUri) {
        return simulator.baseUrl(shop) + "/admin/oauth/authorize?client_id=" + encode(clientId) + "&scope=" + encode(scope)
                + (redirectUri.isEmpty() ? "" : "&redirect_uri=" + encode(redirectUri)) + "&state=abc&grant_options%5B%5D=";
    }

    private static void putFaults(String shop, Map<String, Object> faults) {
        assertThat(app.put(simulator.adminUrl() + "/simulator/shops/" + shop + "/faults", faults).statusCode()).isEqualTo(200);
    }

    /** The callback's hmac computed here, independently of the simulator's code. */
    private static String hexHmac(String secret, Map<String, String> parameters) {
        String message = new TreeMap<>(parameters).entrySet().stream().filter(parameter -> !parameter.getKey().equals("hmac"))
                .map(parameter -> parameter.getKey() + "=" + parameter.getValue()).collect(Collectors.joining("&"));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
