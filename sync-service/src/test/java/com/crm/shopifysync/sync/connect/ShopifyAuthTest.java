package com.crm.shopifysync.sync.connect;

import static com.crm.shopifysync.sync.bulk.ShopAssertions.TOKEN;
import static com.crm.shopifysync.sync.bulk.ShopAssertions.assertStoreMatches;
import static com.crm.shopifysync.sync.bulk.ShopAssertions.awaitEnded;
import static com.crm.shopifysync.sync.bulk.ShopAssertions.status;
import static com.crm.shopifysync.sync.bulk.ShopAssertions.syncNow;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.model.OAuthQuerySignature;
import com.crm.shopifysync.model.WebhookHeaders;
import com.crm.shopifysync.simulator.Faults;
import com.crm.shopifysync.simulator.SimulatedShop;
import com.crm.shopifysync.sync.shop.TokenCipher;
import com.crm.shopifysync.sync.webhook.WebhookRecords;
import com.crm.shopifysync.testing.KafkaTestResource;
import com.crm.shopifysync.testing.MerchantBrowser;
import com.crm.shopifysync.testing.PostgresTestResource;
import com.crm.shopifysync.testing.ShopifySimulatorTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A merchant connects a shop through Shopify's OAuth (the simulator's authorization page and token endpoint): every
 * callback that is not Shopify's answer to this request is refused and stores nothing; the connected shop syncs with
 * tokens that expire (refreshed before and after they do, a lost refresh answer recovered), stored only encrypted; a
 * refresh refused for good asks for the shop to be reconnected, and reconnecting heals it.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(value = ShopifySimulatorTestResource.class, initArgs = {
        @ResourceArg(name = "shop", value = "auth-configured.myshopify.com"),
        @ResourceArg(name = "customers", value = "50"),
        @ResourceArg(name = "orders", value = "100"),
        @ResourceArg(name = "connectable", value = ShopifyAuthTest.SHOP),
        @ResourceArg(name = "token-lifetime", value = "3")})
class ShopifyAuthTest {

    static final String SHOP = "auth-test.myshopify.com";

    final MerchantBrowser browser = new MerchantBrowser();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    static SimulatedShop shop() {
        return ShopifySimulatorTestResource.shop(SHOP);
    }

    static String authorizeUrl(String shop) {
        return given().auth().oauth2(TOKEN).contentType("application/json").body(Map.of("shop", shop))
                .post("/api/shops/connect").then().statusCode(200).extract().jsonPath().getString("authorizeUrl");
    }

    static long stored() throws Exception {
        return PostgresTestResource.count("SELECT count(*) FROM shop_credentials")
                + PostgresTestResource.count("SELECT count(*) FROM shops WHERE source = 'installed'");
    }

    /** The callback with {@code changes} made and signed again with the app's secret (as if Shopify had sent them). */
    static URI resigned(URI callback, Map<String, String> changes) {
        Map<String, String> query = new LinkedHashMap<>(MerchantBrowser.query(callback));
        query.putAll(changes);
        query.put("hmac", OAuthQuerySignature.sign(ShopifySimulatorTestResource.CLIENT_SECRET, query));
        return MerchantBrowser.withQuery(callback, query);
    }

    @Test
    @Order(1)
    void connectAsksShopifyForTheSyncsScopesOfferedOnlyForShopDomains() {
        for (String bad : List.of("evil.example.com", "shop.myshopify.com.evil.com", "", "-shop.myshopify.com")) {
            given().auth().oauth2(TOKEN).contentType("application/json").body(Map.of("shop", bad)).post("/api/shops/connect")
                    .then().statusCode(400);
        }
        given().contentType("application/json").body(Map.of("shop", SHOP)).post("/api/shops/connect").then().statusCode(401);

        URI authorize = URI.create(authorizeUrl("Auth-Test.MyShopify.com"));
        Map<String, String> query = MerchantBrowser.query(authorize);
        assertThat(authorize.toString()).startsWith(ShopifySimulatorTestResource.simulator().baseUrl(SHOP) + "/admin/oauth/authorize?");
        assertThat(query).containsEntry("client_id", ShopifySimulatorTestResource.CLIENT_ID)
                .containsEntry("scope", "read_customers,read_orders,read_all_orders")
                .containsEntry("grant_options[]", "")
                .containsKey("state");
        assertThat(query.get("redirect_uri")).endsWith("/auth/shopify/callback");
    }

    @Test
    @Order(2)
    void anInstallStartedFromShopifyIsVerifiedThenSentToTheSameAuthorization() throws Exception {
        Map<String, String> install = new LinkedHashMap<>(Map.of("shop", SHOP, "timestamp", Long.toString(Instant.now().getEpochSecond()),
                "host", "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvYXV0aC10ZXN0"));
        install.put("hmac", OAuthQuerySignature.sign(ShopifySimulatorTestResource.CLIENT_SECRET, install));
        URI entry = MerchantBrowser.withQuery(URI.create(RestAssuredBase.url("/auth/shopify")), install);
        HttpResponse<String> redirected = browser.get(entry);
        assertThat(redirected.statusCode()).isEqualTo(302);
        URI authorize = URI.create(redirected.headers().firstValue("Location").orElseThrow());
        assertThat(authorize.toString()).startsWith(ShopifySimulatorTestResource.simulator().baseUrl(SHOP) + "/admin/oauth/authorize?");
        assertThat(MerchantBrowser.query(authorize)).containsKey("state");

        Map<String, String> forged = new LinkedHashMap<>(install);
        forged.put("shop", "other-shop.myshopify.com");
        assertThat(browser.get(MerchantBrowser.withQuery(entry, forged)).statusCode()).isEqualTo(401);
        assertThat(browser.get(URI.create(RestAssuredBase.url("/auth/shopify?shop=" + SHOP))).statusCode()).as("no hmac").isEqualTo(401);
        assertThat(stored()).isZero();
    }

    /** This test's service, as RestAssured reaches it. */
    static final class RestAssuredBase {
        static String url(String path) {
            return io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port + path;
        }
    }

    @Test
    @Order(3)
    void everyCallbackThatIsNotShopifysAnswerIsRefusedAndStoresNothing() throws Exception {
        URI callback = browser.approve(authorizeUrl(SHOP));
        Map<String, String> query = MerchantBrowser.query(callback);

        String hmac = query.get("hmac");
        String tampered = (hmac.charAt(0) == 'a' ? "b" : "a") + hmac.substring(1);
        Map<String, String> withTamperedHmac = new LinkedHashMap<>(query);
        withTamperedHmac.put("hmac", tampered);
        assertThat(browser.get(MerchantBrowser.withQuery(callback, withTamperedHmac)).statusCode()).as("tampered hmac").isEqualTo(401);
        Map<String, String> otherCode = new LinkedHashMap<>(query);
        otherCode.put("code", "0907a61c0c8d55e99db179b68161bc00");
        assertThat(browser.get(MerchantBrowser.withQuery(callback, otherCode)).statusCode()).as("a parameter changed, hmac kept").isEqualTo(401);

        assertThat(browser.get(resigned(callback, Map.of("shop", "evil.example.com"))).statusCode()).as("bad shop domain").isEqualTo(400);
        assertThat(browser.get(resigned(callback, Map.of("timestamp", Long.toString(Instant.now().minusSeconds(300).getEpochSecond()))))
                .statusCode()).as("stale timestamp").isEqualTo(400);
        String foreignState = MerchantBrowser.query(URI.create(authorizeUrl("other-shop.myshopify.com"))).get("state");
        assertThat(browser.get(resigned(callback, Map.of("state", foreignState))).statusCode()).as("another shop's state").isEqualTo(400);
        assertThat(browser.get(resigned(callback, Map.of("state", "made-up-state"))).statusCode()).as("unknown state").isEqualTo(400);
        assertThat(stored()).as("nothing stored by a refused callback").isZero();

        HttpResponse<String> connected = browser.get(callback);
        assertThat(connected.statusCode()).isEqualTo(302);
        assertThat(connected.headers().firstValue("Location").orElseThrow()).endsWith("/integrations.html?shop=" + SHOP);
        assertThat(PostgresTestResource.count("SELECT count(*) FROM shop_credentials WHERE shop_domain = '" + SHOP + "'")).isEqualTo(1);

        assertThat(browser.get(callback).statusCode()).as("the same callback replayed").isEqualTo(400);
        assertThat(PostgresTestResource.count("SELECT count(*) FROM shop_credentials")).isEqualTo(1);
        assertThat(given().auth().oauth2(TOKEN).get("/api/shops").then().statusCode(200).extract().jsonPath()
                .getList("findAll { it.domain == '" + SHOP + "' }.source")).containsExactly("installed");
    }

    @Test
    @Order(4)
    void theConnectedShopSyncsWithTokensThatExpireAndAreNeverStoredInPlainText() throws Exception {
        await().atMost(Duration.ofMinutes(2)).until(() -> PostgresTestResource.count(
                "SELECT count(*) FROM sync_runs WHERE shop_domain = '" + SHOP + "' AND state = 'succeeded'") > 0);
        long refreshes = shop().tokenRefreshes();
        // A slow Shopify and tokens of 3 s: the access token expires several times during this sync.
        shop().faults(Faults.NONE.withResponseDelay(400));
        try {
            String run = syncNow(SHOP, "full");
            shop().expireAccessTokens();
            JsonPath ended = awaitEnded(SHOP, run, Duration.ofMinutes(2));
            assertThat(ended.getString("state")).as(ended.getString("failureReason")).isEqualTo("idle");
        } finally {
            shop().faults(Faults.NONE);
        }
        assertThat(shop().tokenRefreshes()).isGreaterThan(refreshes);
        assertStoreMatches(shop());
        assertThat(PostgresTestResource.count("SELECT count(*) FROM shop_credentials WHERE position(convert_to('shpat_', 'UTF8') in access_token) > 0 "
                + "OR position(convert_to('shprt_', 'UTF8') in refresh_token) > 0")).as("a plain-text token at rest").isZero();
        // the receipt is taken once the run has ended
        await().atMost(Duration.ofSeconds(30)).until(() -> status(SHOP).getString("runId").equals(status(SHOP).getString("receipt.runId")));
        JsonPath receipt = status(SHOP);
        assertThat(receipt.getLong("receipt.unexplained")).isZero();
        assertThat(receipt.getLong("receipt.customers.shopify")).isEqualTo(shop().customerList().size());
    }

    @Test
    @Order(5)
    void aRefreshWhoseAnswerIsLostIsAskedAgain() throws Exception {
        long refreshes = shop().tokenRefreshes();
        shop().faults(Faults.NONE.withLostRefreshResponses(1));
        shop().expireAccessTokens();
        try {
            JsonPath ended = awaitEnded(SHOP, syncNow(SHOP, null), Duration.ofMinutes(1));
            assertThat(ended.getString("state")).as(ended.getString("failureReason")).isEqualTo("idle");
        } finally {
            shop().faults(Faults.NONE);
        }
        // the lost one, then the same refresh token again
        assertThat(shop().tokenRefreshes()).isGreaterThanOrEqualTo(refreshes + 2);
    }

    @Test
    @Order(6)
    void theGatewaysCatchUpRequestStartsACatchUpSync() throws Exception {
        long before = PostgresTestResource.count("SELECT count(*) FROM sync_runs WHERE shop_domain = '" + SHOP + "' AND trigger = 'catch-up'");
        try (WebhookRecords kafka = new WebhookRecords(bootstrapServers)) {
            kafka.send(WebhookRecords.record(WebhookRecords.delivery(WebhookHeaders.CATCH_UP_TOPIC, SHOP),
                    "{\"reason\":\"the gateway could not accept webhooks\",\"from\":\"2026-11-30T10:00:00Z\",\"to\":\"2026-11-30T10:05:00Z\"}"));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> PostgresTestResource.count("SELECT count(*) FROM sync_runs WHERE shop_domain = '"
                + SHOP + "' AND trigger = 'catch-up' AND state = 'succeeded'") > before);
        assertThat(PostgresTestResource.count("SELECT count(*) FROM shops WHERE shop_domain = '" + SHOP + "' AND catch_up_requested_at IS NOT NULL"))
                .as("the request is served").isZero();
    }

    @Test
    @Order(7)
    void aRefreshRefusedForGoodAsksForReconnectionAndReconnectingHeals() throws Exception {
        // The stored refresh token becomes one Shopify never issued (as after the app was reinstalled elsewhere).
        TokenCipher cipher = new TokenCipher(List.of(ShopifySimulatorTestResource.TOKEN_KEY));
        try (Connection connection = PostgresTestResource.connect();
             PreparedStatement update = connection.prepareStatement("UPDATE shop_credentials SET refresh_token = ? WHERE shop_domain = ?")) {
            update.setBytes(1, cipher.encrypt("shprt_not-issued", SHOP));
            update.setString(2, SHOP);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
        shop().expireAccessTokens();
        String run = syncNow(SHOP, null);
        await().atMost(Duration.ofMinutes(1)).until(() -> "error".equals(status(SHOP).getString("state")));
        JsonPath status = status(SHOP);
        assertThat(status.getString("connection")).isEqualTo("reconnect");
        assertThat(status.getString("reason")).contains("reconnect the shop");
        assertThat(given().auth().oauth2(TOKEN).get("/api/shops").then().extract().jsonPath()
                .getList("findAll { it.domain == '" + SHOP + "' }.connection")).containsExactly("reconnect");
        assertThat(awaitEnded(SHOP, run, Duration.ofMinutes(1)).getString("failureReason")).contains("reconnect the shop");

        assertThat(browser.get(browser.approve(authorizeUrl(SHOP))).statusCode()).isEqualTo(302);
        await().atMost(Duration.ofMinutes(1)).until(() -> "idle".equals(status(SHOP).getString("state")));
        assertThat(status(SHOP).getString("connection")).isEqualTo("connected");
    }
}
