package com.crm.shopifysync.simulator;

import static com.crm.shopifysync.simulator.SimulatorHttp.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.model.WebhookSignature;
import com.crm.shopifysync.simulator.ShopifySimulator.Options;
import com.crm.shopifysync.simulator.ShopifySimulator.ShopSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Shop-specific webhook subscriptions made through the Admin API, and where the shop's webhooks go: to the
 * subscribed topics' addresses only, signed with the app's client secret; a subscription that keeps failing is deleted.
 */
class SimulatorWebhookSubscriptionsTest {

    private static final String CLIENT_ID = "hooks-client";
    private static final String CLIENT_SECRET = "hooks-secret";
    private static final String GATEWAY_SECRET = "gateway-secret";
    private static final String SHOP = "hooks.myshopify.com";
    private static final String STATIC_SHOP = "hooks-custom-app.myshopify.com";
    private static final AdminSchema SCHEMA = AdminSchema.validationOnly();
    private static final String CREATE = """
            mutation Subscribe($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
              webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
                webhookSubscription { id topic uri format includeFields filter createdAt updatedAt
                  endpoint { __typename ... on WebhookHttpEndpoint { callbackUrl } } }
                userErrors { field message }
              }
            }""";
    private static final String LIST = """
            query Subscriptions($first: Int!, $after: String, $topics: [WebhookSubscriptionTopic!], $uri: String) {
              webhookSubscriptions(first: $first, after: $after, topics: $topics, uri: $uri) {
                edges { cursor node { id topic uri } }
                nodes { id topic uri format createdAt updatedAt endpoint { __typename ... on WebhookHttpEndpoint { callbackUrl } } }
                pageInfo { hasNextPage endCursor }
              }
            }""";
    private static final String DELETE = """
            mutation Unsubscribe($id: ID!) {
              webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { field message } }
            }""";

    /** One request the receiver got. */
    private record Received(String path, String topic, String shop, String hmac, String eventId, String webhookId, byte[] body) {
    }

    private static final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private static HttpServer receiver;
    private static ShopifySimulator simulator;
    private static SimulatorHttp app;
    private static String token;

    @BeforeAll
    static void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            var headers = exchange.getRequestHeaders();
            received.add(new Received(exchange.getRequestURI().getPath(), headers.getFirst("X-Shopify-Topic"),
                    headers.getFirst("X-Shopify-Shop-Domain"), headers.getFirst("X-Shopify-Hmac-Sha256"),
                    headers.getFirst("X-Shopify-Event-Id"), headers.getFirst("X-Shopify-Webhook-Id"), body));
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().startsWith("/fail") ? 500 : 200, -1);
            exchange.close();
        });
        receiver.setExecutor(Executors.newFixedThreadPool(4));
        receiver.start();
        simulator = new ShopifySimulator(Options.defaults().withApp(CLIENT_ID, CLIENT_SECRET)
                .withWebhooks(address("/gateway"), GATEWAY_SECRET).withWebhookRetryDelay(Duration.ofMillis(5))).start();
        simulator.addShop(ShopSpec.notInstalled(SHOP, 30, 30, 11));
        simulator.addShop(new ShopSpec(STATIC_SHOP, "custom-app-token", ShopSpec.ALL_SCOPES, 5, 5, 12));
        app = new SimulatorHttp(simulator, CLIENT_ID, CLIENT_SECRET);
        token = app.install(SHOP).path("access_token").asText();
    }

    @AfterAll
    static void stop() {
        simulator.close();
        receiver.stop(0);
    }

    @BeforeEach
    void clean() {
        SimulatedShop shop = shop();
        shop.webhookSubscriptions().forEach(subscription -> shop.deleteWebhookSubscription(subscription.id()));
        shop.dropWebhooks(0, 0);
        received.clear();
    }

    @Test
    void theDocumentsTheAppSendsAreValidAgainstTheRealSchema() {
        assertThat(SCHEMA.validate(CREATE)).isEmpty();
        assertThat(SCHEMA.validate(LIST)).isEmpty();
        assertThat(SCHEMA.validate(DELETE)).isEmpty();
    }

    @Test
    void subscriptionsAreCreatedListedAndDeleted() {
        JsonNode created = subscribe("ORDERS_CREATE", Map.of("uri", address("/orders"), "includeFields", List.of("id", "updated_at")));
        assertThat(created.path("userErrors")).isEmpty();
        JsonNode subscription = created.path("webhookSubscription");
        assertThat(subscription.path("id").asText()).matches("gid://shopify/WebhookSubscription/\\d+");
        assertThat(subscription.path("topic").asText()).isEqualTo("ORDERS_CREATE");
        assertThat(subscription.path("uri").asText()).isEqualTo(address("/orders"));
        assertThat(subscription.path("format").asText()).isEqualTo("JSON");
        assertThat(subscription.path("includeFields")).extracting(JsonNode::asText).containsExactly("id", "updated_at");
        assertThat(subscription.path("filter").isNull()).isTrue();
        assertThat(subscription.at("/endpoint/__typename").asText()).isEqualTo("WebhookHttpEndpoint");
        assertThat(subscription.at("/endpoint/callbackUrl").asText()).isEqualTo(address("/orders"));
        // The deprecated callbackUrl input still works.
        assertThat(subscribe("CUSTOMERS_CREATE", Map.of("callbackUrl", address("/customers"))).path("userErrors")).isEmpty();

        JsonNode firstPage = list(Map.of("first", 1));
        assertThat(firstPage.path("nodes")).hasSize(1);
        assertThat(firstPage.at("/edges/0/node/id").asText()).isEqualTo(subscription.path("id").asText());
        assertThat(firstPage.at("/pageInfo/hasNextPage").asBoolean()).isTrue();
        JsonNode secondPage = list(Map.of("first", 5, "after", firstPage.at("/pageInfo/endCursor").asText()));
        assertThat(secondPage.path("nodes")).extracting(node -> node.path("topic").asText()).containsExactly("CUSTOMERS_CREATE");
        assertThat(secondPage.at("/pageInfo/hasNextPage").asBoolean()).isFalse();
        assertThat(list(Map.of("first", 5, "topics", List.of("CUSTOMERS_CREATE", "ORDERS_DELETE"))).path("nodes")).hasSize(1);
        assertThat(list(Map.of("first", 5, "uri", address("/orders"))).at("/nodes/0/topic").asText()).isEqualTo("ORDERS_CREATE");
        assertThat(shop().webhookSubscriptions()).extracting(WebhookSubscription::webhookTopic)
                .containsExactly("orders/create", "customers/create");
        HttpResponse<String> listed = app.get(simulator.adminUrl() + "/simulator/shops/" + SHOP + "/webhook-subscriptions");
        assertThat(json(listed).findValuesAsText("uri")).containsExactly(address("/orders"), address("/customers"));

        JsonNode deleted = app.data(SHOP, token, DELETE, Map.of("id", subscription.path("id").asText())).path("webhookSubscriptionDelete");
        assertThat(deleted.path("deletedWebhookSubscriptionId").asText()).isEqualTo(subscription.path("id").asText());
        assertThat(deleted.path("userErrors")).isEmpty();
        JsonNode again = app.data(SHOP, token, DELETE, Map.of("id", subscription.path("id").asText())).path("webhookSubscriptionDelete");
        assertThat(again.path("deletedWebhookSubscriptionId").isNull()).isTrue();
        assertThat(again.path("userErrors")).isNotEmpty();
        assertThat(list(Map.of("first", 5)).path("nodes")).extracting(node -> node.path("topic").asText()).containsExactly("CUSTOMERS_CREATE");
    }

    @Test
    void theSameTopicAndAddressTwiceOrABadAddressIsAUserError() {
        assertThat(subscribe("ORDERS_UPDATED", Map.of("uri", address("/orders"))).path("userErrors")).isEmpty();

        JsonNode twice = subscribe("ORDERS_UPDATED", Map.of("uri", address("/orders")));
        JsonNode notAUrl = subscribe("ORDERS_UPDATED", Map.of("uri", "orders please"));
        JsonNode noAddress = subscribe("ORDERS_UPDATED", Map.of("format", "JSON"));

        assertThat(twice.path("webhookSubscription").isNull()).isTrue();
        assertThat(twice.at("/userErrors/0/message").asText()).isEqualTo("Address for this topic has already been taken");
        assertThat(twice.at("/userErrors/0/field")).extracting(JsonNode::asText).containsExactly("webhookSubscription", "uri");
        assertThat(notAUrl.path("webhookSubscription").isNull()).isTrue();
        assertThat(notAUrl.at("/userErrors/0/message").asText()).isNotBlank();
        assertThat(noAddress.at("/userErrors/0/message").asText()).isNotBlank();
        // The same address for another topic is another subscription.
        assertThat(subscribe("ORDERS_CREATE", Map.of("uri", address("/orders"))).path("userErrors")).isEmpty();
        assertThat(shop().webhookSubscriptions()).hasSize(2);
    }

    @Test
    void webhooksGoToTheSubscribedTopicsAddressesOnlySignedWithTheClientSecret() {
        subscribe("ORDERS_CREATE", Map.of("uri", address("/orders")));
        subscribe("CUSTOMERS_CREATE", Map.of("uri", address("/customers")));
        long buyer = shop().customers().iterator().next().id();

        // An order of a customer: orders/create and customers/purchasing_summary (not subscribed).
        merchant("/orders", Map.of("customer_id", buyer));
        merchant("/customers", Map.of("first_name", "Ada", "last_name", "Lovelace", "email", "ada@example.com"));
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() >= 2);
        // A last subscribed change: once it is in, anything sent before it would be too.
        merchant("/customers", Map.of("first_name", "Last", "last_name", "One", "email", "last@example.com"));
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() >= 3);
        List<Received> deliveries = new ArrayList<>(received);

        assertThat(deliveries).extracting(Received::path, Received::topic).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("/orders", "orders/create"),
                org.assertj.core.groups.Tuple.tuple("/customers", "customers/create"),
                org.assertj.core.groups.Tuple.tuple("/customers", "customers/create"));
        assertThat(deliveries).allSatisfy(delivery -> {
            assertThat(delivery.shop()).isEqualTo(SHOP);
            assertThat(delivery.hmac()).isEqualTo(WebhookSignature.sign(CLIENT_SECRET, delivery.body()));
            assertThat(delivery.eventId()).isNotBlank();
        });
        assertThat(received).noneMatch(delivery -> delivery.path().equals("/gateway"));
    }

    @Test
    void aStaticTokenShopKeepsAppLevelDeliveryToTheGatewayAndSignsSubscriptionsWithTheGatewaySecret() {
        SimulatedShop staticShop = simulator.shop(STATIC_SHOP).orElseThrow();
        String staticToken = "custom-app-token";
        JsonNode created = app.data(STATIC_SHOP, staticToken, CREATE, Map.of("topic", "CUSTOMERS_CREATE",
                "webhookSubscription", Map.of("uri", address("/static-customers")))).path("webhookSubscriptionCreate");
        assertThat(created.path("userErrors")).isEmpty();

        simulator.deliver(staticShop, staticShop.createCustomer("Grace", "Hopper", "grace@example.com"), WebhookDeliveries.Mode.NORMAL, 0);

        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() >= 2);
        assertThat(received).extracting(Received::path).containsExactlyInAnyOrder("/gateway", "/static-customers");
        assertThat(received).allSatisfy(delivery ->
                assertThat(delivery.hmac()).isEqualTo(WebhookSignature.sign(GATEWAY_SECRET, delivery.body())));
        staticShop.deleteWebhookSubscription("customers/create");
        assertThat(staticShop.webhookSubscriptions()).isEmpty();
    }

    @Test
    void aSubscriptionWhoseDeliveryFailsAllItsRetriesIsDeleted() {
        subscribe("CUSTOMERS_CREATE", Map.of("uri", address("/fail/customers")));
        subscribe("CUSTOMERS_UPDATE", Map.of("uri", address("/fail/customers")));

        merchant("/customers", Map.of("first_name", "Alan", "last_name", "Turing", "email", "alan@example.com"));

        await().atMost(Duration.ofSeconds(30)).until(() -> shop().webhookSubscriptions().stream()
                .noneMatch(subscription -> subscription.topic().equals("CUSTOMERS_CREATE")));
        List<Received> attempts = new ArrayList<>(received);
        assertThat(attempts).hasSize(1 + 8).allSatisfy(attempt -> assertThat(attempt.topic()).isEqualTo("customers/create"));
        assertThat(attempts).extracting(Received::eventId).containsOnly(attempts.get(0).eventId());
        assertThat(attempts).extracting(Received::webhookId).doesNotHaveDuplicates();
        // The subscription nothing was sent to stays.
        assertThat(shop().webhookSubscriptions()).extracting(WebhookSubscription::topic).containsExactly("CUSTOMERS_UPDATE");
    }

    @Test
    void theRandomDropLosesTheSameDeliveriesForTheSameSeed() {
        subscribe("CUSTOMERS_CREATE", Map.of("uri", address("/customers")));

        List<Boolean> firstRun = deliveredCustomers(40, 0.25, 2026);
        List<Boolean> secondRun = deliveredCustomers(40, 0.25, 2026);
        List<Boolean> otherSeed = deliveredCustomers(40, 0.25, 7);

        assertThat(firstRun).isEqualTo(secondRun).contains(false).contains(true);
        assertThat(otherSeed).isNotEqualTo(firstRun);
    }

    @Test
    void theControlApiDeletesSubscriptionsAsShopifyWould() {
        String orders = subscribe("ORDERS_CREATE", Map.of("uri", address("/orders"))).at("/webhookSubscription/id").asText();
        subscribe("CUSTOMERS_CREATE", Map.of("uri", address("/customers")));
        subscribe("CUSTOMERS_CREATE", Map.of("uri", address("/more-customers")));
        String control = simulator.adminUrl() + "/simulator/shops/" + SHOP + "/webhook-subscriptions";

        assertThat(app.delete(control + "/" + orders.substring(orders.lastIndexOf('/') + 1)).statusCode()).isEqualTo(204);
        HttpResponse<String> byTopic = app.delete(control + "?topic=customers/create");

        assertThat(json(byTopic).path("deleted")).hasSize(2);
        assertThat(shop().webhookSubscriptions()).isEmpty();
        assertThat(app.delete(control + "/1").statusCode()).isEqualTo(404);
    }

    // ---- helpers ----

    /** Creates customers with the drop set; which of them reached the subscription, in order. */
    private List<Boolean> deliveredCustomers(int count, double fraction, long seed) {
        received.clear();
        SimulatedShop shop = shop();
        assertThat(app.put(simulator.adminUrl() + "/simulator/shops/" + SHOP + "/webhook-drops", Map.of("fraction", fraction, "seed", seed))
                .statusCode()).isEqualTo(200);
        long droppedBefore = shop.droppedWebhooks();
        List<String> emails = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String email = "drop-" + seed + "-" + i + "-" + System.nanoTime() + "@example.com";
            emails.add(email);
            simulator.deliver(shop, shop.createCustomer("Drop", "Test", email), WebhookDeliveries.Mode.NORMAL, 0);
        }
        long dropped = shop.droppedWebhooks() - droppedBefore;
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == count - dropped);
        List<String> arrived = received.stream().map(delivery -> parse(delivery.body()).path("email").asText()).toList();
        return emails.stream().map(arrived::contains).toList();
    }

    private static JsonNode parse(byte[] body) {
        try {
            return SimulatorHttp.JSON.readTree(body);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private JsonNode subscribe(String topic, Map<String, Object> input) {
        return app.data(SHOP, token, CREATE, Map.of("topic", topic, "webhookSubscription", input)).path("webhookSubscriptionCreate");
    }

    private JsonNode list(Map<String, Object> variables) {
        return app.data(SHOP, token, LIST, variables).path("webhookSubscriptions");
    }

    private void merchant(String path, Map<String, Object> body) {
        assertThat(app.postJson(simulator.adminUrl() + "/simulator/shops/" + SHOP + path, body).statusCode()).isEqualTo(201);
    }

    private static SimulatedShop shop() {
        return simulator.shop(SHOP).orElseThrow();
    }

    private static String address(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }
}
