package com.crm.shopifysync.simulator;

import static com.crm.shopifysync.simulator.SimulatorHttp.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.model.WebhookSignature;
import com.crm.shopifysync.simulator.ShopifySimulator.Options;
import com.crm.shopifysync.simulator.ShopifySimulator.ShopSpec;
import com.crm.shopifysync.simulator.StoreData.Customer;
import com.crm.shopifysync.simulator.StoreData.Order;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The app's lifecycle and the customers' privacy requests as Shopify sends them: uninstalling (app/uninstalled, every
 * token revoked, subscriptions gone, shop/redact after a delay unless the app is installed again), and the compliance
 * webhooks customers/redact, customers/data_request and shop/redact in the documented shapes, signed.
 */
class SimulatorAppLifecycleTest {

    private static final String CLIENT_ID = "lifecycle-client";
    private static final String CLIENT_SECRET = "lifecycle-client-secret";
    private static final String GATEWAY_SECRET = "lifecycle-gateway-secret";
    private static final Duration SHOP_REDACT_DELAY = Duration.ofMillis(800);
    private static final String INVALID_TOKEN = "{\"errors\":\"[API] Invalid API key or access token (unrecognized login or wrong password)\"}";
    /** The repository's copy of Shopify's documented payloads (../shared/fixtures/SOURCES.md). */
    private static final Path FIXTURES = Path.of("../test-support/src/main/resources/fixtures/webhooks");
    private static final String SUBSCRIBE = """
            mutation Subscribe($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
              webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
                webhookSubscription { id } userErrors { field message }
              }
            }""";
    private static final String SHOP_QUERY = "{ shop { id myshopifyDomain } }";
    private static final AtomicInteger SHOPS = new AtomicInteger();

    /** One request the receiver got, with its headers and when it came. */
    private record Received(String path, String topic, String shop, String hmac, String eventId, String webhookId,
                            String triggeredAt, String apiVersion, byte[] body, Instant at) {

        JsonNode json() {
            return parse(body);
        }
    }

    private static final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private static HttpServer receiver;
    private static ShopifySimulator simulator;
    private static SimulatorHttp app;

    @BeforeAll
    static void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            var headers = exchange.getRequestHeaders();
            received.add(new Received(exchange.getRequestURI().getPath(), headers.getFirst("X-Shopify-Topic"),
                    headers.getFirst("X-Shopify-Shop-Domain"), headers.getFirst("X-Shopify-Hmac-Sha256"),
                    headers.getFirst("X-Shopify-Event-Id"), headers.getFirst("X-Shopify-Webhook-Id"),
                    headers.getFirst("X-Shopify-Triggered-At"), headers.getFirst("X-Shopify-API-Version"), body, Instant.now()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.setExecutor(Executors.newFixedThreadPool(4));
        receiver.start();
        // As the repository's shopify.app.toml: the app declares app/uninstalled for every shop that installs it.
        simulator = new ShopifySimulator(Options.defaults().withApp(CLIENT_ID, CLIENT_SECRET)
                .withWebhooks(address("/gateway"), GATEWAY_SECRET).withAppWebhookTopics(Set.of("app/uninstalled"))
                .withShopRedactDelay(SHOP_REDACT_DELAY)).start();
        app = new SimulatorHttp(simulator, CLIENT_ID, CLIENT_SECRET);
    }

    @AfterAll
    static void stop() {
        simulator.close();
        receiver.stop(0);
    }

    @Test
    void uninstallSendsAppUninstalledThenShopRedactAfterTheConfiguredDelay() {
        SimulatedShop shop = staticShop("static-token-1");
        String domain = shop.domain();
        assertThat(summary(domain).path("installed").asBoolean()).isTrue();

        Instant uninstalledAt = Instant.now();
        HttpResponse<String> answer = control(domain, "/uninstall", Map.of());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(json(answer).path("topic").asText()).isEqualTo("app/uninstalled");
        Instant dueAt = Instant.parse(json(answer).path("shopRedactAt").asText());
        assertThat(Duration.between(uninstalledAt, dueAt)).isBetween(SHOP_REDACT_DELAY.minusMillis(50), SHOP_REDACT_DELAY.plusSeconds(1));
        assertThat(summary(domain).path("installed").asBoolean()).isFalse();
        assertThat(summary(domain).path("shopRedactAt").asText()).isEqualTo(dueAt.toString());

        Received uninstalled = awaitOne(domain, "app/uninstalled");
        assertThat(uninstalled.path()).isEqualTo("/gateway");
        assertSigned(uninstalled, GATEWAY_SECRET, domain);
        JsonNode payload = uninstalled.json();
        assertThat(fieldNames(payload)).containsExactlyElementsOf(fieldNames(fixture("app/uninstalled")));
        assertThat(payload.path("id").asLong()).isEqualTo(shop.id());
        assertThat(payload.path("name").asText()).isEqualTo(domain);
        assertThat(payload.path("email").asText()).isEqualTo("owner@" + domain);
        assertThat(payload.path("domain").asText()).isEqualTo(domain);
        assertThat(payload.path("myshopify_domain").asText()).isEqualTo(domain);
        assertThat(payload.path("iana_timezone").asText()).isEqualTo("America/New_York");
        assertThat(payload.path("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d-0[45]:00");

        Received redact = awaitOne(domain, "shop/redact");
        assertThat(redact.path()).isEqualTo("/gateway");
        assertSigned(redact, GATEWAY_SECRET, domain);
        assertThat(fieldNames(redact.json())).containsExactlyElementsOf(fieldNames(fixture("shop/redact")));
        assertThat(redact.json().path("shop_id").asLong()).isEqualTo(shop.id());
        assertThat(redact.json().path("shop_domain").asText()).isEqualTo(domain);
        assertThat(redact.at()).isAfterOrEqualTo(uninstalledAt.plus(SHOP_REDACT_DELAY));
        assertThat(redact.eventId()).isNotEqualTo(uninstalled.eventId());
        assertThat(summary(domain).path("shopRedactAt").isNull()).isTrue();
        assertThat(deliveries(domain, "shop/redact")).hasSize(1);
    }

    @Test
    void afterUninstallTheOldTokensAreRefusedAndRefreshFails() {
        String domain = oauthShop();
        JsonNode tokens = app.install(domain);
        String token = tokens.path("access_token").asText();
        String shopGid = app.data(domain, token, SHOP_QUERY, Map.of()).at("/shop/id").asText();
        assertThat(shopGid).isEqualTo("gid://shopify/Shop/" + shop(domain).id());

        assertThat(control(domain, "/uninstall", Map.of("shopRedactAfterMs", 100)).statusCode()).isEqualTo(200);

        HttpResponse<String> refused = app.graphQl(domain, token, SHOP_QUERY, Map.of());
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).isEqualTo(INVALID_TOKEN);
        HttpResponse<String> refreshed = unchecked(() -> app.refresh(domain, tokens.path("refresh_token").asText()));
        assertThat(refreshed.statusCode()).isEqualTo(400);
        assertThat(json(refreshed).path("error").asText()).isEqualTo("invalid_grant");
        assertThat(summary(domain).path("installed").asBoolean()).isFalse();
        // shop/redact of an app installed through OAuth is signed with its client secret, though it is gone.
        Received redact = awaitOne(domain, "shop/redact");
        assertThat(redact.path()).isEqualTo("/gateway");
        assertSigned(redact, CLIENT_SECRET, domain);
        assertThat(redact.json().path("shop_id").asLong()).isEqualTo(shop(domain).id());
        // Not installed: no second uninstall.
        HttpResponse<String> again = control(domain, "/uninstall", Map.of());
        assertThat(again.statusCode()).isEqualTo(409);
    }

    @Test
    void appUninstalledGoesToItsSubscriptionsAndTheAppsDeclaredTopicThenTheSubscriptionsAreGone() {
        String domain = oauthShop();
        String token = app.install(domain).path("access_token").asText();
        subscribe(domain, token, "APP_UNINSTALLED", "/hooks/uninstalled");
        subscribe(domain, token, "ORDERS_CREATE", "/hooks/orders");
        String subscriptions = simulator.adminUrl() + "/simulator/shops/" + domain + "/webhook-subscriptions";
        assertThat(json(app.get(subscriptions))).hasSize(2);

        assertThat(control(domain, "/uninstall", Map.of()).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(domain, "app/uninstalled").size() == 2);
        List<Received> uninstalled = deliveries(domain, "app/uninstalled");
        assertThat(uninstalled).extracting(Received::path).containsExactlyInAnyOrder("/hooks/uninstalled", "/gateway");
        assertThat(uninstalled).allSatisfy(delivery -> assertSigned(delivery, CLIENT_SECRET, domain));
        assertThat(uninstalled).extracting(Received::eventId).containsOnly(uninstalled.get(0).eventId());
        assertThat(uninstalled.get(0).json().path("id").asLong()).isEqualTo(shop(domain).id());
        assertThat(json(app.get(subscriptions))).isEmpty();
        assertThat(shop(domain).webhookSubscriptions()).isEmpty();

        // The merchant goes on selling: nothing reaches the app any more, but compliance webhooks.
        long buyer = shop(domain).customers().iterator().next().id();
        assertThat(app.postJson(control(domain) + "/orders", Map.of("customer_id", buyer)).statusCode()).isEqualTo(201);
        assertThat(control(domain, "/shop-redact", Map.of()).statusCode()).isEqualTo(200);
        awaitOne(domain, "shop/redact");
        assertThat(received).filteredOn(delivery -> domain.equals(delivery.shop())).extracting(Received::topic)
                .containsOnly("app/uninstalled", "shop/redact");
    }

    @Test
    void reinstallingBeforeTheDelayCancelsShopRedact() {
        String domain = oauthShop();
        String oldToken = app.install(domain).path("access_token").asText();
        assertThat(control(domain, "/uninstall", Map.of("shopRedactAfterMs", 1500)).statusCode()).isEqualTo(200);
        assertThat(summary(domain).path("shopRedactAt").isNull()).isFalse();

        String newToken = app.install(domain).path("access_token").asText();

        assertThat(newToken).isNotEqualTo(oldToken);
        assertThat(app.graphQl(domain, newToken, SHOP_QUERY, Map.of()).statusCode()).isEqualTo(200);
        assertThat(app.graphQl(domain, oldToken, SHOP_QUERY, Map.of()).statusCode()).isEqualTo(401);
        assertThat(summary(domain).path("installed").asBoolean()).isTrue();
        assertThat(summary(domain).path("shopRedactAt").isNull()).isTrue();
        // Another shop uninstalled later with the same delay: once its shop/redact is in, the first one's time is past.
        SimulatedShop witness = staticShop("witness-token");
        assertThat(control(witness.domain(), "/uninstall", Map.of("shopRedactAfterMs", 1500)).statusCode()).isEqualTo(200);
        awaitOne(witness.domain(), "shop/redact");
        assertThat(deliveries(domain, "shop/redact")).isEmpty();
    }

    @Test
    void aStaticTokenShopIsInstalledAgainWithANewToken() {
        SimulatedShop shop = staticShop("first-static-token");
        String domain = shop.domain();
        assertThat(controlWithQuery(domain, "/uninstall", "?shopRedactAfterMs=1500").statusCode()).isEqualTo(200);
        assertThat(app.graphQl(domain, "first-static-token", SHOP_QUERY, Map.of()).statusCode()).isEqualTo(401);
        assertThat(app.graphQlAt(simulator.adminUrl() + "/admin/api/" + AdminSchema.VERSION + "/graphql.json", "first-static-token",
                SHOP_QUERY, Map.of()).statusCode()).isEqualTo(401);
        // Uninstalled, the shop's changes reach no one.
        assertThat(app.postJson(control(domain) + "/customers", Map.of("first_name", "Gone", "last_name", "Away",
                "email", "gone@example.com")).statusCode()).isEqualTo(201);

        HttpResponse<String> installed = control(domain, "/install", Map.of("accessToken", "second-static-token"));

        assertThat(installed.statusCode()).as(installed.body()).isEqualTo(200);
        assertThat(json(installed).path("installed").asBoolean()).isTrue();
        assertThat(json(installed).path("shopRedactAt").isNull()).isTrue();
        assertThat(app.data(domain, "second-static-token", SHOP_QUERY, Map.of()).at("/shop/myshopifyDomain").asText()).isEqualTo(domain);
        assertThat(app.graphQl(domain, "first-static-token", SHOP_QUERY, Map.of()).statusCode()).isEqualTo(401);
        assertThat(control(domain, "/install", Map.of("accessToken", "third-static-token")).statusCode()).isEqualTo(409);
        // Its webhooks reach the gateway again.
        assertThat(app.postJson(control(domain) + "/customers", Map.of("first_name", "Back", "last_name", "Again",
                "email", "back@example.com")).statusCode()).isEqualTo(201);
        Received created = awaitOne(domain, "customers/create");
        assertSigned(created, GATEWAY_SECRET, domain);
        assertThat(deliveries(domain, "customers/create")).extracting(delivery -> delivery.json().path("email").asText())
                .containsExactly("back@example.com");
        SimulatedShop witness = staticShop("static-witness-token");
        assertThat(control(witness.domain(), "/uninstall", Map.of("shopRedactAfterMs", 1500)).statusCode()).isEqualTo(200);
        awaitOne(witness.domain(), "shop/redact");
        assertThat(deliveries(domain, "shop/redact")).isEmpty();
    }

    @Test
    void customersRedactListsExactlyTheCustomersOrders() {
        String domain = oauthShop();
        app.install(domain);
        SimulatedShop shop = shop(domain);
        Customer customer = customerWithOrders(shop, 2);
        // One more, placed now: it is listed first.
        JsonNode placed = json(app.postJson(control(domain) + "/orders", Map.of("customer_id", customer.id()))).path("webhook");
        List<Long> expected = ordersOf(shop, customer.id());
        assertThat(expected).hasSizeGreaterThanOrEqualTo(3).first().isEqualTo(placed.path("id").asLong());

        HttpResponse<String> answer = control(domain, "/customers/" + customer.id() + "/redact", Map.of());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(json(answer).path("topic").asText()).isEqualTo("customers/redact");
        Received redact = awaitOne(domain, "customers/redact");
        // Compliance topics go to the app's compliance URL, whatever the shop's subscriptions.
        assertThat(redact.path()).isEqualTo("/gateway");
        assertSigned(redact, CLIENT_SECRET, domain);
        JsonNode payload = redact.json();
        assertThat(payload).isEqualTo(json(answer).path("webhook"));
        assertThat(fieldNames(payload)).containsExactlyElementsOf(fieldNames(fixture("customers/redact")));
        assertThat(fieldNames(payload.path("customer"))).containsExactlyElementsOf(fieldNames(fixture("customers/redact").path("customer")));
        assertThat(payload.path("shop_id").asLong()).isEqualTo(shop.id());
        assertThat(payload.path("shop_domain").asText()).isEqualTo(domain);
        assertThat(payload.at("/customer/id").asLong()).isEqualTo(customer.id());
        assertThat(payload.at("/customer/email").asText()).isEqualTo(customer.email());
        assertThat(payload.at("/customer/phone").isNull() ? null : payload.at("/customer/phone").asText()).isEqualTo(customer.phone());
        assertThat(longs(payload.path("orders_to_redact"))).containsExactlyElementsOf(expected);
        // Shopify erases its own copy; the simulator keeps the customer as it was.
        assertThat(shop.customer(customer.id())).isPresent();
    }

    @Test
    void aDataRequestCarriesTheCustomerTheirOrdersAndAnIncreasingRequestId() {
        SimulatedShop shop = staticShop("data-request-token");
        String domain = shop.domain();
        Customer customer = customerWithOrders(shop, 1);
        Customer without = shop.customers().stream().filter(candidate -> ordersOf(shop, candidate.id()).isEmpty()).findFirst().orElseThrow();

        HttpResponse<String> first = control(domain, "/customers/" + customer.id() + "/data-request", Map.of());
        HttpResponse<String> second = control(domain, "/customers/" + without.id() + "/data-request", Map.of());

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(domain, "customers/data_request").size() == 2);
        List<Received> requests = deliveries(domain, "customers/data_request");
        assertThat(requests).allSatisfy(request -> {
            assertThat(request.path()).isEqualTo("/gateway");
            assertSigned(request, GATEWAY_SECRET, domain);
            assertThat(fieldNames(request.json())).containsExactlyElementsOf(fieldNames(fixture("customers/data_request")));
            assertThat(request.json().path("shop_id").asLong()).isEqualTo(shop.id());
            assertThat(request.json().path("shop_domain").asText()).isEqualTo(domain);
        });
        JsonNode forCustomer = json(first).path("webhook");
        JsonNode forWithout = json(second).path("webhook");
        assertThat(requests).extracting(Received::json).containsExactlyInAnyOrder(forCustomer, forWithout);
        assertThat(forCustomer.at("/customer/id").asLong()).isEqualTo(customer.id());
        assertThat(forCustomer.at("/customer/email").asText()).isEqualTo(customer.email());
        assertThat(longs(forCustomer.path("orders_requested"))).containsExactlyElementsOf(ordersOf(shop, customer.id())).isNotEmpty();
        assertThat(forWithout.path("orders_requested")).isEmpty();
        assertThat(forWithout.at("/data_request/id").asLong()).isGreaterThan(forCustomer.at("/data_request/id").asLong());
        assertThat(fieldNames(forCustomer.path("data_request"))).containsExactly("id");
    }

    @Test
    void unknownShopsAndCustomersAreNotFoundAndAShopWithoutTheAppGetsNoComplianceWebhooks() {
        SimulatedShop shop = staticShop("not-found-token");
        long customer = shop.customers().iterator().next().id();
        for (String path : List.of("/uninstall", "/install", "/shop-redact", "/customers/" + customer + "/redact",
                "/customers/" + customer + "/data-request")) {
            assertThat(control("nowhere.myshopify.com", path, Map.of("accessToken", "t")).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(control(shop.domain(), "/customers/1/redact", Map.of()).statusCode()).isEqualTo(404);
        assertThat(control(shop.domain(), "/customers/1/data-request", Map.of()).statusCode()).isEqualTo(404);

        String neverInstalled = oauthShop();
        long itsCustomer = shop(neverInstalled).customers().iterator().next().id();
        assertThat(control(neverInstalled, "/uninstall", Map.of()).statusCode()).isEqualTo(409);
        assertThat(control(neverInstalled, "/shop-redact", Map.of()).statusCode()).isEqualTo(409);
        assertThat(control(neverInstalled, "/customers/" + itsCustomer + "/redact", Map.of()).statusCode()).isEqualTo(409);
        assertThat(control(neverInstalled, "/install", Map.of()).statusCode()).isEqualTo(422);
    }

    @Test
    void shopRedactCanBeSentAtOnceAndHonoursTheDeliveryMode() {
        SimulatedShop shop = staticShop("redact-now-token");
        String domain = shop.domain();

        HttpResponse<String> answer = controlWithQuery(domain, "/shop-redact", "?delivery=duplicate");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(json(answer).path("delivery").asText()).isEqualTo("duplicate");
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(domain, "shop/redact").size() == 2);
        List<Received> redacts = deliveries(domain, "shop/redact");
        assertThat(redacts).allSatisfy(redact -> assertSigned(redact, GATEWAY_SECRET, domain));
        assertThat(redacts).extracting(Received::eventId).containsOnly(redacts.get(0).eventId());
        assertThat(redacts).extracting(Received::json).containsOnly(json(answer).path("webhook"));
        assertThat(redacts.get(0).json().path("shop_id").asLong()).isEqualTo(shop.id());
    }

    // ---- helpers ----

    /** A delivery as Shopify signs and labels it. */
    private static void assertSigned(Received delivery, String secret, String domain) {
        assertThat(delivery.hmac()).as(delivery.topic() + " to " + delivery.path()).isEqualTo(WebhookSignature.sign(secret, delivery.body()));
        assertThat(WebhookSignature.sign(secret + "-not", delivery.body())).isNotEqualTo(delivery.hmac());
        assertThat(delivery.shop()).isEqualTo(domain);
        assertThat(delivery.apiVersion()).isEqualTo(AdminSchema.VERSION);
        assertThat(delivery.eventId()).isNotBlank();
        assertThat(delivery.webhookId()).isNotBlank();
        assertThat(Instant.parse(delivery.triggeredAt())).isBefore(Instant.now().plusSeconds(1));
    }

    private static SimulatedShop staticShop(String token) {
        String domain = "lifecycle-static-" + SHOPS.incrementAndGet() + ".myshopify.com";
        return simulator.addShop(new ShopSpec(domain, token, ShopSpec.ALL_SCOPES, 30, 90, SHOPS.get()));
    }

    private static String oauthShop() {
        String domain = "lifecycle-oauth-" + SHOPS.incrementAndGet() + ".myshopify.com";
        simulator.addShop(ShopSpec.notInstalled(domain, 30, 90, SHOPS.get()));
        return domain;
    }

    private static SimulatedShop shop(String domain) {
        return simulator.shop(domain).orElseThrow();
    }

    private static Customer customerWithOrders(SimulatedShop shop, int atLeast) {
        return shop.customers().stream().filter(customer -> ordersOf(shop, customer.id()).size() >= atLeast).findFirst().orElseThrow();
    }

    /** The customer's orders as the app sees them (it has read_all_orders), newest first. */
    private static List<Long> ordersOf(SimulatedShop shop, long customerId) {
        return shop.visibleOrders().stream().filter(order -> Long.valueOf(customerId).equals(order.customerId()))
                .map(Order::id).sorted(Comparator.reverseOrder()).toList();
    }

    private static void subscribe(String domain, String token, String topic, String path) {
        JsonNode created = app.data(domain, token, SUBSCRIBE, Map.of("topic", topic, "webhookSubscription", Map.of("uri", address(path))))
                .path("webhookSubscriptionCreate");
        assertThat(created.path("userErrors")).isEmpty();
    }

    private static String control(String domain) {
        return simulator.adminUrl() + "/simulator/shops/" + domain;
    }

    private static HttpResponse<String> control(String domain, String path, Object body) {
        return app.postJson(control(domain) + path, body);
    }

    /** A control call with its parameters in the query string and no body. */
    private static HttpResponse<String> controlWithQuery(String domain, String path, String query) {
        return app.postJson(control(domain) + path + query, Map.of());
    }

    private static JsonNode summary(String domain) {
        for (JsonNode shop : json(app.get(simulator.adminUrl() + "/simulator/shops"))) {
            if (shop.path("domain").asText().equals(domain)) {
                return shop;
            }
        }
        throw new AssertionError("no shop " + domain);
    }

    private static List<Received> deliveries(String domain, String topic) {
        Predicate<Received> match = delivery -> domain.equals(delivery.shop()) && topic.equals(delivery.topic());
        return received.stream().filter(match).toList();
    }

    private static Received awaitOne(String domain, String topic) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !deliveries(domain, topic).isEmpty());
        return deliveries(domain, topic).get(0);
    }

    private static JsonNode fixture(String topic) {
        try {
            return SimulatorHttp.JSON.readTree(Files.readString(FIXTURES.resolve(topic.replace('/', '_') + ".json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<Long> longs(JsonNode array) {
        List<Long> values = new java.util.ArrayList<>();
        array.forEach(value -> values.add(value.asLong()));
        return values;
    }

    private static JsonNode parse(byte[] body) {
        try {
            return SimulatorHttp.JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String address(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
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
