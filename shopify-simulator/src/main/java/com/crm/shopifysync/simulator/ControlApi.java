package com.crm.shopifysync.simulator;

import static com.crm.shopifysync.simulator.ShopifySimulator.json;

import com.crm.shopifysync.simulator.ShopifySimulator.ShopSpec;
import com.crm.shopifysync.simulator.SimulatedShop.PendingWebhook;
import com.crm.shopifysync.simulator.WebhookDeliveries.Mode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The simulator's own API (not Shopify's), under {@code /simulator}: create shops, act as the merchant (each change
 * sends its webhook; {@code ?delivery=drop|duplicate|delay|hold} and {@code delayMs} bend the delivery), set faults,
 * expire tokens, list and delete webhook subscriptions as Shopify would, lose deliveries at random, uninstall and
 * reinstall the app, and send the privacy (compliance) webhooks. See the module's README for every route.
 */
final class ControlApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ShopifySimulator simulator;

    ControlApi(ShopifySimulator simulator) {
        this.simulator = simulator;
    }

    void routes(Router router) {
        router.get("/simulator/shops").handler(context -> json(context.response(), 200, simulator.shops().stream()
                .map(this::shopSummary).toList()));
        router.post("/simulator/shops").handler(this::createShop);
        router.post("/simulator/shops/:shop/uninstall").handler(withShop(this::uninstall));
        router.post("/simulator/shops/:shop/install").handler(withShop(this::installStaticToken));
        router.post("/simulator/shops/:shop/shop-redact").handler(withShop((context, shop) -> {
            Mode mode = mode(context);
            simulator.shopRedactNow(shop, mode, delayMillis(context)).ifPresentOrElse(
                    redact -> answer(context, 200, mode, redact, Map.of()), () -> neverInstalled(context, shop));
        }));
        router.post("/simulator/shops/:shop/customers/:id/redact").handler(withShop((context, shop) ->
                compliance(context, shop, () -> shop.customerRedact(id(context)))));
        router.post("/simulator/shops/:shop/customers/:id/data-request").handler(withShop((context, shop) ->
                compliance(context, shop, () -> shop.customerDataRequest(id(context)))));
        router.get("/simulator/shops/:shop/customers/:id").handler(withShop((context, shop) ->
                shop.customer(id(context)).ifPresentOrElse(customer -> json(context.response(), 200, Shapes.graphQl(customer)),
                        () -> notFound(context))));
        router.post("/simulator/shops/:shop/customers").handler(withShop((context, shop) -> {
            JsonObject body = body(context);
            changed(context, shop, Optional.of(shop.createCustomer(body.getString("first_name"), body.getString("last_name"),
                    body.getString("email"))), 201);
        }));
        router.put("/simulator/shops/:shop/customers/:id/marketing-consent").handler(withShop((context, shop) -> {
            JsonObject body = body(context);
            changed(context, shop, shop.updateMarketingConsent(id(context), upper(body.getString("email")), upper(body.getString("sms"))), 200);
        }));
        router.put("/simulator/shops/:shop/customers/:id").handler(withShop((context, shop) -> {
            JsonObject body = body(context);
            changed(context, shop, shop.updateCustomer(id(context), body.getString("first_name"), body.getString("last_name"),
                    body.getString("email"), body.getString("note"), strings(body.getJsonArray("tags"))), 200);
        }));
        router.delete("/simulator/shops/:shop/customers/:id").handler(withShop((context, shop) -> {
            SimulatedShop.DeleteResult result = shop.deleteCustomer(id(context));
            if (result.deleted()) {
                changed(context, shop, Optional.of(result.webhooks()), 200);
            } else {
                json(context.response(), result.error().equals("not found") ? 404 : 422, Map.of("errors", result.error()));
            }
        }));
        router.post("/simulator/shops/:shop/orders").handler(withShop((context, shop) ->
                changed(context, shop, shop.createOrder(body(context).getLong("customer_id")), 201)));
        router.put("/simulator/shops/:shop/orders/:id").handler(withShop((context, shop) -> {
            JsonObject body = body(context);
            changed(context, shop, shop.updateOrder(id(context), strings(body.getJsonArray("tags")),
                    body.getBoolean("cancel", false)), 200);
        }));
        router.delete("/simulator/shops/:shop/orders/:id").handler(withShop((context, shop) -> changed(context, shop, shop.deleteOrder(id(context)), 200)));
        router.put("/simulator/shops/:shop/faults").handler(withShop((context, shop) -> {
            JsonObject body = body(context);
            shop.faults(Faults.NONE.withBulkFailures(body.getString("bulkFailure"), body.getDouble("failAfterFraction", 0.5),
                            body.getInteger("bulkFailureCount", body.getString("bulkFailure") == null ? 0 : 1))
                    .withDownloadCutAfter(body.getLong("cutDownloadAfterBytes", 0L))
                    .withDownloadStallAfter(body.getLong("stallDownloadAfterBytes", 0L))
                    .withExpiredUrls(body.getBoolean("expireUrls", false))
                    .withResponseDelay(body.getLong("responseDelayMillis", 0L))
                    .withHttpFailures(body.getInteger("http429Count", 0), body.getInteger("http5xxCount", 0))
                    .withLostRefreshResponses(body.getInteger("lostRefreshResponses", 0)));
            JsonObject throttle = body.getJsonObject("throttle");
            if (throttle != null) {
                shop.bucket().reconfigure(throttle.getDouble("maximumAvailable"), throttle.getDouble("restoreRate"));
            }
            json(context.response(), 200, body.getMap());
        }));
        router.delete("/simulator/shops/:shop/faults").handler(withShop((context, shop) -> {
            shop.faults(Faults.NONE);
            shop.bucket().reconfigure(2000, 100);
            context.response().setStatusCode(204).end();
        }));
        router.post("/simulator/shops/:shop/bulk-limit").handler(withShop(this::bulkLimit));
        router.put("/simulator/shops/:shop/bulk-limit").handler(withShop(this::bulkLimit));
        router.get("/simulator/shops/:shop/bulk-limit").handler(withShop((context, shop) -> json(context.response(), 200, bulkLimit(shop))));
        router.delete("/simulator/shops/:shop/bulk-limit").handler(withShop((context, shop) -> {
            shop.bulkOperationLimit(OptionalInt.empty());
            json(context.response(), 200, bulkLimit(shop));
        }));
        router.get("/simulator/shops/:shop/bulk-operations").handler(withShop((context, shop) -> json(context.response(), 200,
                simulator.bulkOperations(shop).stream().map(BulkOperation::timeline).toList())));
        router.post("/simulator/shops/:shop/expire-tokens").handler(withShop((context, shop) -> {
            shop.expireAccessTokens();
            context.response().setStatusCode(204).end();
        }));
        router.get("/simulator/shops/:shop/webhook-subscriptions").handler(withShop((context, shop) ->
                json(context.response(), 200, shop.webhookSubscriptions().stream().map(ControlApi::subscription).toList())));
        router.delete("/simulator/shops/:shop/webhook-subscriptions/:id").handler(withShop((context, shop) -> {
            if (shop.deleteWebhookSubscription(subscriptionId(context.pathParam("id")))) {
                context.response().setStatusCode(204).end();
            } else {
                notFound(context);
            }
        }));
        router.delete("/simulator/shops/:shop/webhook-subscriptions").handler(withShop((context, shop) -> {
            String topic = context.request().getParam("topic");
            if (topic == null) {
                throw new IllegalArgumentException("?topic= is required (orders/create or ORDERS_CREATE)");
            }
            json(context.response(), 200, Map.of("deleted", shop.deleteWebhookSubscription(topic).stream().map(ControlApi::subscription).toList()));
        }));
        router.put("/simulator/shops/:shop/webhook-drops").handler(withShop((context, shop) -> {
            JsonObject body = body(context);
            shop.dropWebhooks(body.getDouble("fraction", 0.0), body.getLong("seed", 1L));
            json(context.response(), 200, Map.of("fraction", body.getDouble("fraction", 0.0), "seed", body.getLong("seed", 1L),
                    "dropped", shop.droppedWebhooks()));
        }));
        router.get("/simulator/shops/:shop/webhook-drops").handler(withShop((context, shop) ->
                json(context.response(), 200, Map.of("dropped", shop.droppedWebhooks()))));
        router.put("/simulator/webhooks").handler(context -> {
            JsonObject body = body(context);
            simulator.webhooks().configure(body.getString("gatewayUrl"), body.getString("secret"));
            context.response().setStatusCode(204).end();
        });
        router.post("/simulator/webhooks/release").handler(context -> json(context.response(), 200,
                Map.of("released", simulator.webhooks().release(Boolean.parseBoolean(context.request().getParam("reverse"))))));
    }

    /**
     * {@code {"concurrentOperations": n}}: the shop runs n bulk queries at once whatever the API version asked for
     * (null: the version's limit again). 422 below one.
     */
    private void bulkLimit(RoutingContext context, SimulatedShop shop) {
        JsonObject body = body(context);
        if (!body.containsKey("concurrentOperations")) {
            throw new IllegalArgumentException("concurrentOperations is required (a number, or null for the API version's limit)");
        }
        Integer limit = body.getInteger("concurrentOperations");
        shop.bulkOperationLimit(limit == null ? OptionalInt.empty() : OptionalInt.of(limit));
        json(context.response(), 200, bulkLimit(shop));
    }

    /** The shop's limit: {@code concurrentOperations} (null when the API version decides). */
    private static Map<String, Object> bulkLimit(SimulatedShop shop) {
        Map<String, Object> limit = new java.util.LinkedHashMap<>();
        limit.put("concurrentOperations", shop.bulkOperationLimit().isPresent() ? shop.bulkOperationLimit().getAsInt() : null);
        return limit;
    }

    /** A shop with {@code accessToken} has the app installed (a static token); without one it waits for OAuth. */
    private void createShop(RoutingContext context) {
        JsonObject body = body(context);
        if (body.getString("domain") == null) {
            json(context.response(), 422, Map.of("errors", "domain is required"));
            return;
        }
        List<String> scopes = strings(body.getJsonArray("scopes"));
        ShopSpec spec = body.getString("accessToken") == null
                ? ShopSpec.notInstalled(body.getString("domain"), body.getInteger("customers", 100), body.getInteger("orders", 300),
                        body.getLong("seed", 42L))
                : new ShopSpec(body.getString("domain"), body.getString("accessToken"),
                        scopes == null ? ShopSpec.ALL_SCOPES : new HashSet<>(scopes), body.getInteger("customers", 100),
                        body.getInteger("orders", 300), body.getLong("seed", 42L));
        simulator.addShop(spec);
        json(context.response(), 201, Map.of("domain", spec.domain(), "customers", spec.customers(), "orders", spec.orders(),
                "installed", spec.installed()));
    }

    private Map<String, Object> shopSummary(SimulatedShop shop) {
        Map<String, Object> summary = new java.util.LinkedHashMap<>();
        summary.put("domain", shop.domain());
        summary.put("id", shop.id());
        summary.put("customers", shop.customers().size());
        summary.put("orders", shop.visibleOrders().size());
        summary.put("lineItems", shop.visibleOrders().stream().mapToLong(order -> order.lineItems().size()).sum());
        summary.put("scopes", shop.scopes());
        summary.put("installed", shop.installed());
        summary.put("shopRedactAt", simulator.shopRedactDueAt(shop).map(Object::toString).orElse(null));
        return summary;
    }

    /**
     * The merchant uninstalls the app: app/uninstalled now, shop/redact after {@code shopRedactAfterMs} (body or query;
     * default {@code Options.shopRedactDelay}, Shopify's 48 hours). 409 when the app is not installed.
     */
    private void uninstall(RoutingContext context, SimulatedShop shop) {
        Duration after = Optional.ofNullable(body(context).getLong("shopRedactAfterMs"))
                .or(() -> Optional.ofNullable(context.request().getParam("shopRedactAfterMs")).map(ControlApi::parseLong))
                .map(Duration::ofMillis).orElse(simulator.options().shopRedactDelay());
        if (after.isNegative()) {
            throw new IllegalArgumentException("shopRedactAfterMs must not be negative");
        }
        Mode mode = mode(context);
        Optional<SimulatedShop.Webhooks> uninstalled = simulator.uninstall(shop, after, mode, delayMillis(context));
        if (uninstalled.isEmpty()) {
            json(context.response(), 409, Map.of("errors", "the app is not installed on " + shop.domain()));
            return;
        }
        answer(context, 200, mode, uninstalled.get(),
                Map.of("shopRedactAt", simulator.shopRedactDueAt(shop).map(Object::toString).orElse("")));
    }

    /**
     * The app is installed again under a custom app's static token {@code {accessToken, scopes, appLevelWebhooks}}
     * (scopes: all three by default; appLevelWebhooks: as the shop had it). 409 when the app is installed.
     */
    private void installStaticToken(RoutingContext context, SimulatedShop shop) {
        JsonObject body = body(context);
        String token = body.getString("accessToken");
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("accessToken is required");
        }
        List<String> scopes = strings(body.getJsonArray("scopes"));
        if (!simulator.installStaticToken(shop, token, scopes == null ? ShopSpec.ALL_SCOPES : new HashSet<>(scopes))) {
            json(context.response(), 409, Map.of("errors", "the app is already installed on " + shop.domain()));
            return;
        }
        shop.appLevelWebhooks(body.getBoolean("appLevelWebhooks", shop.appLevelWebhooks()));
        json(context.response(), 200, shopSummary(shop));
    }

    /** A compliance webhook about a customer: 409 if the app was never installed, 404 for an unknown customer. */
    private void compliance(RoutingContext context, SimulatedShop shop, Supplier<Optional<SimulatedShop.Webhooks>> change) {
        if (shop.lastInstall().isEmpty()) {
            neverInstalled(context, shop);
            return;
        }
        Optional<SimulatedShop.Webhooks> webhooks = change.get();
        if (webhooks.isEmpty()) {
            notFound(context);
            return;
        }
        Mode mode = mode(context);
        simulator.deliverCompliance(shop, webhooks.get(), mode, delayMillis(context));
        answer(context, 200, mode, webhooks.get(), Map.of());
    }

    private static void neverInstalled(RoutingContext context, SimulatedShop shop) {
        json(context.response(), 409, Map.of("errors", "the app was never installed on " + shop.domain()));
    }

    private static Map<String, Object> subscription(WebhookSubscription subscription) {
        Map<String, Object> json = new java.util.LinkedHashMap<>();
        json.put("id", subscription.gid());
        json.put("topic", subscription.topic());
        json.put("webhookTopic", subscription.webhookTopic());
        json.put("uri", subscription.uri());
        json.put("format", subscription.format());
        json.put("includeFields", subscription.includeFields());
        json.put("filter", subscription.filter());
        json.put("name", subscription.name());
        json.put("createdAt", subscription.createdAt().toString());
        json.put("updatedAt", subscription.updatedAt().toString());
        return json;
    }

    /** A subscription's numeric id, given as such or as the last segment of its GID. */
    private static long subscriptionId(String id) {
        try {
            return Long.parseLong(id.substring(id.lastIndexOf('/') + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a webhook subscription id: " + id);
        }
    }

    private void changed(RoutingContext context, SimulatedShop shop, Optional<SimulatedShop.Webhooks> change, int status) {
        if (change.isEmpty()) {
            notFound(context);
            return;
        }
        Mode mode = mode(context);
        simulator.deliver(shop, change.get(), mode, delayMillis(context));
        answer(context, status, mode, change.get(), Map.of());
    }

    /** A change's answer: its main webhook's topic and body, every webhook it sent, how they were delivered. */
    private static void answer(RoutingContext context, int status, Mode mode, SimulatedShop.Webhooks change, Map<String, Object> more) {
        try {
            PendingWebhook first = change.first();
            List<Map<String, Object>> all = new java.util.ArrayList<>();
            for (PendingWebhook webhook : change.all()) {
                all.add(Map.of("topic", webhook.topic(), "webhook", JSON.readTree(webhook.body())));
            }
            Map<String, Object> answer = new java.util.LinkedHashMap<>(Map.of("topic", first.topic(),
                    "delivery", mode.name().toLowerCase(Locale.ROOT), "webhook", JSON.readTree(first.body()), "webhooks", all));
            answer.putAll(more);
            json(context.response(), status, answer);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code ?delivery=drop|duplicate|delay|hold} (normal by default). */
    private static Mode mode(RoutingContext context) {
        return Optional.ofNullable(context.request().getParam("delivery"))
                .map(value -> Mode.valueOf(value.toUpperCase(Locale.ROOT))).orElse(Mode.NORMAL);
    }

    /** {@code ?delayMs=} for {@code delivery=delay} (a second by default). */
    private static long delayMillis(RoutingContext context) {
        return Optional.ofNullable(context.request().getParam("delayMs")).map(ControlApi::parseLong).orElse(1000L);
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: " + value);
        }
    }

    private static String upper(String value) {
        return value == null ? null : value.toUpperCase(Locale.ROOT);
    }

    private io.vertx.core.Handler<RoutingContext> withShop(BiConsumer<RoutingContext, SimulatedShop> handler) {
        return context -> {
            Optional<SimulatedShop> shop = simulator.shop(context.pathParam("shop"));
            if (shop.isEmpty()) {
                notFound(context);
                return;
            }
            try {
                handler.accept(context, shop.get());
            } catch (IllegalArgumentException | ClassCastException e) {
                json(context.response(), 422, Map.of("errors", e.getMessage()));
            }
        };
    }

    private static JsonObject body(RoutingContext context) {
        try {
            JsonObject body = context.body().asJsonObject();
            return body == null ? new JsonObject() : body;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the body is not a JSON object");
        }
    }

    private static long id(RoutingContext context) {
        try {
            return Long.parseLong(context.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an id: " + context.pathParam("id"));
        }
    }

    private static List<String> strings(JsonArray array) {
        return array == null ? null : array.stream().map(String::valueOf).toList();
    }

    private static void notFound(RoutingContext context) {
        json(context.response(), 404, Map.of("errors", "Not Found"));
    }
}
