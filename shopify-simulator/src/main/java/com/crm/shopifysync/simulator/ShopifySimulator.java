package com.crm.shopifysync.simulator;

import com.crm.shopifysync.model.WebhookSignature;
import com.crm.shopifysync.simulator.SimulatedShop.PendingWebhook;
import com.crm.shopifysync.simulator.WebhookDeliveries.Destination;
import com.crm.shopifysync.simulator.WebhookDeliveries.Mode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Shopify, as far as this project meets it: the GraphQL Admin API ({@code POST /admin/api/{version}/graphql.json},
 * authenticated by {@code X-Shopify-Access-Token}), bulk operation results served as signed, expiring JSONL
 * downloads, and signed webhooks for the merchant's changes. Each shop also has its own base URL
 * ({@link #baseUrl(String)}, what {@code https://{shop}} is on Shopify) with the public app's OAuth (authorization
 * code grant, expiring offline tokens and their refresh) and its Admin API. A control API under {@code /simulator}
 * creates shops, changes their data and injects faults. Usable in-process (tests) and as a program ({@link Main}).
 */
public final class ShopifySimulator implements AutoCloseable {

    /**
     * How the simulator runs.
     *
     * @param gatewayUrl         where app-level webhooks go (null: none)
     * @param webhookSecret      how webhooks of shops with a static token are signed
     * @param webhookRetryDelayMillis the first retry's delay; each next one doubles (Shopify: 8 retries over 4 hours)
     * @param clientId           the public app's client id (null: no app, OAuth answers errors)
     * @param clientSecret       the public app's client secret: signs OAuth redirects and the webhooks of shops
     *                           installed through OAuth
     * @param tokenLifetime      how long an expiring access token lasts (Shopify: 1 hour)
     * @param refreshTokenLifetime how long a refresh token lasts (Shopify: 90 days)
     * @param appWebhookTopics   the topics the app declares in its {@code shopify.app.toml}: shops installed through
     *                           OAuth send these to {@code gatewayUrl} besides their Admin API subscriptions
     * @param shopRedactDelay    how long after the app is uninstalled shop/redact is sent (Shopify: 48 hours)
     */
    public record Options(int port, Path dataDirectory, String gatewayUrl, String webhookSecret, String apiVersion,
                          long operationStartDelayMillis, long webhookRetryDelayMillis, String clientId, String clientSecret,
                          Duration tokenLifetime, Duration refreshTokenLifetime, Set<String> appWebhookTopics,
                          Duration shopRedactDelay, ExportRate exportRate) {

        public static final Duration SHOPIFY_TOKEN_LIFETIME = Duration.ofHours(1);
        public static final Duration SHOPIFY_REFRESH_TOKEN_LIFETIME = Duration.ofDays(90);
        public static final Duration SHOPIFY_SHOP_REDACT_DELAY = Duration.ofHours(48);

        public Options {
            tokenLifetime = tokenLifetime == null ? SHOPIFY_TOKEN_LIFETIME : tokenLifetime;
            refreshTokenLifetime = refreshTokenLifetime == null ? SHOPIFY_REFRESH_TOKEN_LIFETIME : refreshTokenLifetime;
            appWebhookTopics = appWebhookTopics == null ? Set.of() : Set.copyOf(appWebhookTopics);
            shopRedactDelay = shopRedactDelay == null ? SHOPIFY_SHOP_REDACT_DELAY : shopRedactDelay;
            exportRate = exportRate == null ? ExportRate.UNLIMITED : exportRate;
        }

        /** The options without a public app, with Shopify's token lifetimes. */
        public Options(int port, Path dataDirectory, String gatewayUrl, String webhookSecret, String apiVersion,
                       long operationStartDelayMillis, long webhookRetryDelayMillis) {
            this(port, dataDirectory, gatewayUrl, webhookSecret, apiVersion, operationStartDelayMillis, webhookRetryDelayMillis,
                    null, null, SHOPIFY_TOKEN_LIFETIME, SHOPIFY_REFRESH_TOKEN_LIFETIME, Set.of(), SHOPIFY_SHOP_REDACT_DELAY, ExportRate.UNLIMITED);
        }

        public static Options defaults() {
            return new Options(0, null, null, null, AdminSchema.VERSION, 200, 1000);
        }

        public Options withPort(int port) {
            return new Options(port, dataDirectory, gatewayUrl, webhookSecret, apiVersion, operationStartDelayMillis,
                    webhookRetryDelayMillis, clientId, clientSecret, tokenLifetime, refreshTokenLifetime, appWebhookTopics, shopRedactDelay, exportRate);
        }

        public Options withWebhooks(String gatewayUrl, String webhookSecret) {
            return new Options(port, dataDirectory, gatewayUrl, webhookSecret, apiVersion, operationStartDelayMillis,
                    webhookRetryDelayMillis, clientId, clientSecret, tokenLifetime, refreshTokenLifetime, appWebhookTopics, shopRedactDelay, exportRate);
        }

        /** The public app merchants install through OAuth. */
        public Options withApp(String clientId, String clientSecret) {
            return new Options(port, dataDirectory, gatewayUrl, webhookSecret, apiVersion, operationStartDelayMillis,
                    webhookRetryDelayMillis, clientId, clientSecret, tokenLifetime, refreshTokenLifetime, appWebhookTopics, shopRedactDelay, exportRate);
        }

        /** How long expiring access tokens last ({@code expires_in}). */
        public Options withTokenLifetime(Duration lifetime) {
            return new Options(port, dataDirectory, gatewayUrl, webhookSecret, apiVersion, operationStartDelayMillis,
                    webhookRetryDelayMillis, clientId, clientSecret, lifetime, refreshTokenLifetime, appWebhookTopics, shopRedactDelay, exportRate);
        }

        /** How long refresh tokens last ({@code refresh_token_expires_in}). */
        public Options withRefreshTokenLifetime(Duration lifetime) {
            return new Options(port, dataDirectory, gatewayUrl, webhookSecret, apiVersion, operationStartDelayMillis,
                    webhookRetryDelayMillis, clientId, clientSecret, tokenLifetime, lifetime, appWebhookTopics, shopRedactDelay, exportRate);
        }

        /** The first webhook retry's delay (tests shrink Shopify's 4 hours of retries). */
        public Options withWebhookRetryDelay(Duration firstRetryDelay) {
            return new Options(port, dataDirectory, gatewayUrl, webhookSecret, apiVersion, operationStartDelayMillis,
                    firstRetryDelay.toMillis(), clientId, clientSecret, tokenLifetime, refreshTokenLifetime, appWebhookTopics, shopRedactDelay, exportRate);
        }

        /** The topics the app declares in {@code shopify.app.toml} (as {@code orders/create}). */
        public Options withAppWebhookTopics(Set<String> topics) {
            return new Options(port, dataDirectory, gatewayUrl, webhookSecret, apiVersion, operationStartDelayMillis,
                    webhookRetryDelayMillis, clientId, clientSecret, tokenLifetime, refreshTokenLifetime, topics, shopRedactDelay, exportRate);
        }

        /** How long after an uninstall shop/redact is sent (tests shrink Shopify's 48 hours). */
        public Options withShopRedactDelay(Duration delay) {
            return new Options(port, dataDirectory, gatewayUrl, webhookSecret, apiVersion, operationStartDelayMillis,
                    webhookRetryDelayMillis, clientId, clientSecret, tokenLifetime, refreshTokenLifetime, appWebhookTopics, delay, exportRate);
        }

        /** How fast each bulk operation exports (a benchmark's Shopify; tests leave it unlimited). */
        public Options withExportRate(ExportRate rate) {
            return new Options(port, dataDirectory, gatewayUrl, webhookSecret, apiVersion, operationStartDelayMillis,
                    webhookRetryDelayMillis, clientId, clientSecret, tokenLifetime, refreshTokenLifetime, appWebhookTopics, shopRedactDelay, rate);
        }
    }

    /**
     * A shop to generate: its domain, the app's access token, the granted scopes and its size. A null token makes a
     * shop the app is not installed on: it has its data, and gets tokens when a merchant installs the app through OAuth.
     */
    public record ShopSpec(String domain, String accessToken, Set<String> scopes, int customers, int orders, long seed) {

        public static final Set<String> ALL_SCOPES = Set.of("read_customers", "read_orders", "read_all_orders");

        /** A shop with data but without the app: its tokens come from OAuth. */
        public static ShopSpec notInstalled(String domain, int customers, int orders, long seed) {
            return new ShopSpec(domain, null, Set.of(), customers, orders, seed);
        }

        /** Whether the app comes installed, with a static token (a custom app's, made in the shop's admin). */
        public boolean installed() {
            return accessToken != null;
        }
    }

    private static final Duration URL_VALIDITY = Duration.ofDays(7);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Options options;
    private final Vertx vertx;
    /** A thread per running export: a shop's five operations, and every shop's, run at once (each keeps its own pace). */
    private final ExecutorService exports = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "bulk-export");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, SimulatedShop> shopsByDomain = new ConcurrentHashMap<>();
    private final Map<String, SimulatedShop> shopsByToken = new ConcurrentHashMap<>();
    private final Path dataDirectory;
    private final String urlSecret = java.util.UUID.randomUUID().toString();
    private final AdminApi adminApi;
    private final WebhookDeliveries webhooks;
    /** The shop/redact each uninstalled shop is owed, by domain, until it is sent or the shop reinstalls the app. */
    private final Map<String, PendingShopRedact> pendingShopRedacts = new ConcurrentHashMap<>();
    private HttpServer server;

    /** A shop/redact waiting for its time; {@code timerId} is set once the timer exists. */
    private static final class PendingShopRedact {
        final Instant dueAt;
        volatile long timerId = -1;

        PendingShopRedact(Instant dueAt) {
            this.dueAt = dueAt;
        }
    }

    public ShopifySimulator(Options options) {
        this.options = options;
        this.vertx = Vertx.vertx();
        try {
            this.dataDirectory = options.dataDirectory() != null ? Files.createDirectories(options.dataDirectory())
                    : Files.createTempDirectory("shopify-simulator");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.webhooks = new WebhookDeliveries(vertx, options.gatewayUrl(), options.webhookSecret(), options.apiVersion(),
                options.webhookRetryDelayMillis());
        this.adminApi = new AdminApi(dataDirectory, exports, this::downloadUrl, this::bulkOperationFinished,
                options.operationStartDelayMillis(), options.exportRate());
    }

    public ShopifySimulator start() {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create().setBodyLimit(10 * 1024 * 1024));
        router.post("/admin/api/:version/graphql.json").handler(context -> graphQl(context, null));
        // A shop's own base URL, as https://{shop} is on Shopify: OAuth and the Admin API of that shop only.
        router.post("/shops/:shop/admin/api/:version/graphql.json").handler(context -> graphQl(context, context.pathParam("shop")));
        new OAuthApi(this).routes(router);
        router.get("/bulk-results/:file").handler(this::download);
        router.get("/simulator/health").handler(context -> json(context.response(), 200, Map.of("status", "UP")));
        new ControlApi(this).routes(router);
        server = vertx.createHttpServer().requestHandler(router).listen(options.port()).toCompletionStage()
                .toCompletableFuture().join();
        return this;
    }

    public int port() {
        return server.actualPort();
    }

    /** The Admin API URL of a shop, as the sync-service is configured with it. */
    public String adminUrl() {
        return "http://localhost:" + port();
    }

    /** A shop's base URL, what {@code https://{shop}} is on Shopify: OAuth and the Admin API live under it. */
    public String baseUrl(String shop) {
        return adminUrl() + "/shops/" + shop;
    }

    public Options options() {
        return options;
    }

    /** A shop's bulk operations, oldest first. */
    public List<BulkOperation> bulkOperations(SimulatedShop shop) {
        return adminApi.operations(shop);
    }

    public WebhookDeliveries webhooks() {
        return webhooks;
    }

    /**
     * Generates a shop. One with a static token sends all its webhooks to the gateway (app-level delivery, as before
     * OAuth); one not installed gets its tokens through OAuth and its webhooks through Admin API subscriptions.
     */
    public SimulatedShop addShop(ShopSpec spec) {
        SimulatedShop shop = new SimulatedShop(spec.domain(), spec.accessToken(), spec.installed() ? spec.scopes() : Set.of(),
                StoreGenerator.generate(spec.seed(), spec.customers(), spec.orders(), Instant.now()), Clock.systemUTC(), spec.seed());
        shop.webhookApiVersion(options.apiVersion());
        shop.appLevelWebhooks(spec.installed());
        Optional.ofNullable(shopsByDomain.put(spec.domain(), shop)).map(SimulatedShop::accessToken).ifPresent(shopsByToken::remove);
        cancelShopRedact(spec.domain());
        if (spec.installed()) {
            shopsByToken.put(spec.accessToken(), shop);
        }
        return shop;
    }

    public Optional<SimulatedShop> shop(String domain) {
        if (domain == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(shopsByDomain.get(domain)).or(() -> Optional.ofNullable(shopsByDomain.get(domain.toLowerCase(Locale.ROOT))));
    }

    public java.util.Collection<SimulatedShop> shops() {
        return shopsByDomain.values();
    }

    /**
     * Sends a change's webhooks, each delivered as {@code mode} says, to where the shop's subscriptions say: the
     * gateway for app-level delivery, and the address of each Admin API subscription of the webhook's topic. Each
     * delivery may be lost to the shop's probabilistic drop. A shop without the app installed sends nothing (see
     * {@link #deliverCompliance} for the webhooks Shopify sends regardless).
     */
    public void deliver(SimulatedShop shop, SimulatedShop.Webhooks change, Mode mode, long delayMillis) {
        send(shop, change, topic -> destinations(shop, topic), mode, delayMillis);
    }

    /**
     * Sends compliance webhooks (customers/data_request, customers/redact, shop/redact): Shopify sends them to the
     * app's compliance URL, declared once for the app, whatever the shop's subscriptions and even after the app was
     * uninstalled; here that is the gateway, signed as the shop's last installation signed its webhooks.
     */
    public void deliverCompliance(SimulatedShop shop, SimulatedShop.Webhooks change, Mode mode, long delayMillis) {
        Optional<SimulatedShop.AppInstall> install = shop.lastInstall();
        if (install.isEmpty() || webhooks.gatewayUrl() == null) {
            return;
        }
        // A static token's webhooks are signed with the configured webhook secret (null: read at each attempt).
        String secret = install.get() == SimulatedShop.AppInstall.OAUTH ? options.clientSecret() : null;
        send(shop, change, topic -> List.of(new Destination(null, secret, null, () -> { })), mode, delayMillis);
    }

    private void send(SimulatedShop shop, SimulatedShop.Webhooks change, java.util.function.Function<String, List<Destination>> routes,
                      Mode mode, long delayMillis) {
        for (PendingWebhook webhook : change.all()) {
            List<Destination> destinations = new ArrayList<>();
            for (Destination destination : routes.apply(webhook.topic())) {
                if (!shop.dropsNextDelivery()) {
                    destinations.add(destination);
                }
            }
            webhooks.send(shop.domain(), webhook, destinations, mode, delayMillis);
        }
    }

    private List<Destination> destinations(SimulatedShop shop, String topic) {
        List<Destination> destinations = new ArrayList<>();
        if (!shop.installed()) {
            // An app that is not installed gets no webhooks but the compliance ones.
            return destinations;
        }
        String secret = shop.installedThroughOAuth() ? options.clientSecret() : webhooks.secret();
        if (shop.appLevelWebhooks() && webhooks.enabled()) {
            destinations.add(Destination.gateway());
        } else if (shop.installedThroughOAuth() && options.appWebhookTopics().contains(topic) && webhooks.gatewayUrl() != null
                && secret != null) {
            destinations.add(new Destination(null, secret, null, () -> { }));
        }
        for (WebhookSubscription subscription : shop.webhookSubscriptions()) {
            if (subscription.webhookTopic().equals(topic) && secret != null) {
                // Shopify deletes an Admin API subscription whose deliveries keep failing.
                destinations.add(new Destination(subscription.uri(), secret, subscription.name(),
                        () -> shop.deleteWebhookSubscription(subscription.id())));
            }
        }
        return destinations;
    }

    // ---- the app's lifecycle ----

    /**
     * The merchant uninstalls the app, as Shopify handles it: app/uninstalled (the shop) goes where the shop's
     * app/uninstalled goes while the app is still installed ({@link #deliver}: the gateway for a static-token shop; for
     * an OAuth install its APP_UNINSTALLED subscriptions, and the gateway if the app declares the topic in its
     * {@code shopify.app.toml}); then every token is revoked and the app's subscriptions deleted, and shop/redact
     * follows {@code shopRedactAfter} later unless the app is installed again before. Empty if the app is not installed.
     */
    public Optional<SimulatedShop.Webhooks> uninstall(SimulatedShop shop, Duration shopRedactAfter, Mode mode, long delayMillis) {
        synchronized (shop) {
            if (!shop.installed()) {
                return Optional.empty();
            }
            SimulatedShop.Webhooks uninstalled = shop.appUninstalled();
            deliver(shop, uninstalled, mode, delayMillis);
            String staticToken = shop.accessToken();
            shop.uninstall();
            if (staticToken != null) {
                shopsByToken.remove(staticToken, shop);
            }
            scheduleShopRedact(shop, shopRedactAfter);
            return Optional.of(uninstalled);
        }
    }

    /** {@link #uninstall(SimulatedShop, Duration, Mode, long)} with the configured shop/redact delay. */
    public Optional<SimulatedShop.Webhooks> uninstall(SimulatedShop shop) {
        return uninstall(shop, options.shopRedactDelay(), Mode.NORMAL, 0);
    }

    /**
     * The app is installed again under a custom app's static token (a new token put in the CRM's configuration);
     * false if it is installed. A pending shop/redact is cancelled.
     */
    public boolean installStaticToken(SimulatedShop shop, String token, Set<String> scopes) {
        if (!shop.installStaticToken(token, scopes)) {
            return false;
        }
        shopsByToken.put(token, shop);
        appInstalled(shop);
        return true;
    }

    /** The app is installed on the shop (again): Shopify does not redact a shop that has the app. */
    void appInstalled(SimulatedShop shop) {
        cancelShopRedact(shop.domain());
    }

    /** When the shop's pending shop/redact is due; empty when none is. */
    public Optional<Instant> shopRedactDueAt(SimulatedShop shop) {
        return Optional.ofNullable(pendingShopRedacts.get(shop.domain())).map(pending -> pending.dueAt);
    }

    /** Sends shop/redact now (a pending one is no longer sent). Empty when the app was never installed on the shop. */
    public Optional<SimulatedShop.Webhooks> shopRedactNow(SimulatedShop shop, Mode mode, long delayMillis) {
        if (shop.lastInstall().isEmpty()) {
            return Optional.empty();
        }
        cancelShopRedact(shop.domain());
        SimulatedShop.Webhooks redact = shop.shopRedact();
        deliverCompliance(shop, redact, mode, delayMillis);
        return Optional.of(redact);
    }

    private void scheduleShopRedact(SimulatedShop shop, Duration after) {
        cancelShopRedact(shop.domain());
        PendingShopRedact pending = new PendingShopRedact(Instant.now().plus(after));
        pendingShopRedacts.put(shop.domain(), pending);
        pending.timerId = vertx.setTimer(Math.max(1, after.toMillis()), id -> {
            // Only if it is still owed: a reinstall, a new uninstall or an immediate shop/redact took it out.
            if (pendingShopRedacts.remove(shop.domain(), pending)) {
                deliverCompliance(shop, shop.shopRedact(), Mode.NORMAL, 0);
            }
        });
    }

    private void cancelShopRedact(String domain) {
        PendingShopRedact pending = pendingShopRedacts.remove(domain);
        if (pending != null && pending.timerId >= 0) {
            vertx.cancelTimer(pending.timerId);
        }
    }

    /** The shop an Admin API token belongs to; with {@code scopedShop}, only if it is that shop's. */
    private Optional<SimulatedShop> authenticate(String token, String scopedShop) {
        if (token == null) {
            return Optional.empty();
        }
        if (scopedShop != null) {
            return shop(scopedShop).filter(shop -> shop.authorizes(token));
        }
        return Optional.ofNullable(shopsByToken.get(token))
                .or(() -> shopsByDomain.values().stream().filter(shop -> shop.authorizes(token)).findFirst());
    }

    // ---- GraphQL Admin API ----

    private void graphQl(RoutingContext context, String scopedShop) {
        String version = context.pathParam("version");
        SimulatedShop shop = authenticate(context.request().getHeader("X-Shopify-Access-Token"), scopedShop).orElse(null);
        if (shop == null) {
            json(context.response(), 401, Map.of("errors", "[API] Invalid API key or access token (unrecognized login or wrong password)"));
            return;
        }
        Faults faults = shop.faults();
        vertx.setTimer(Math.max(1, faults.responseDelayMillis()), id -> {
            Faults current = shop.faults();
            if (current.http429Count() > 0) {
                shop.faults(current.withHttpFailuresUsed(1, 0));
                AdminApi.Answer answer = adminApi.throttled(shop, 1, 429);
                context.response().putHeader("Retry-After", "1");
                json(context.response(), answer.status(), answer.body());
                return;
            }
            if (current.http5xxCount() > 0) {
                shop.faults(current.withHttpFailuresUsed(0, 1));
                json(context.response(), 503, Map.of("errors", "Service Unavailable"));
                return;
            }
            JsonObject request;
            try {
                request = context.body().asJsonObject();
            } catch (RuntimeException e) {
                request = null;
            }
            if (request == null || request.getString("query") == null) {
                json(context.response(), 400, Map.of("errors", Map.of("query", "Required parameter missing or invalid")));
                return;
            }
            JsonObject body = request;
            vertx.<AdminApi.Answer>executeBlocking(() -> adminApi.execute(shop, version, body.getString("query"),
                            body.getJsonObject("variables") == null ? Map.of() : body.getJsonObject("variables").getMap(),
                            body.getString("operationName")), false)
                    .onSuccess(answer -> json(context.response(), answer.status(), answer.body()))
                    .onFailure(e -> json(context.response(), 500, Map.of("errors", List.of(Map.of("message", "Internal error: " + e)))));
        });
    }

    // ---- bulk results ----

    private String downloadUrl(BulkOperation operation) {
        long expires = Instant.now().plus(URL_VALIDITY).getEpochSecond();
        String name = operation.id() + ".jsonl";
        return adminUrl() + "/bulk-results/" + name + "?Expires=" + expires + "&Signature=" + signature(name, expires);
    }

    private String signature(String name, long expires) {
        return WebhookSignature.sign(urlSecret, (name + ":" + expires).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .replace('+', '-').replace('/', '_').replace("=", "");
    }

    /** Serves an operation's JSONL like a signed cloud-storage URL: streamed, with its length, until it expires. */
    private void download(RoutingContext context) {
        String name = context.pathParam("file");
        String expiresParameter = context.request().getParam("Expires");
        String signatureParameter = context.request().getParam("Signature");
        long expires;
        try {
            expires = Long.parseLong(expiresParameter);
        } catch (RuntimeException e) {
            storageError(context.response(), 400, "MissingSecurityHeader", "Your request was missing a required header.");
            return;
        }
        if (!signature(name, expires).equals(signatureParameter)) {
            storageError(context.response(), 403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.");
            return;
        }
        Optional<BulkOperation> operation = parseId(name).flatMap(adminApi::operation);
        if (operation.isEmpty() || operation.get().file() == null) {
            storageError(context.response(), 404, "NoSuchKey", "The specified key does not exist.");
            return;
        }
        SimulatedShop shop = operation.get().shop();
        if (Instant.now().getEpochSecond() > expires || shop.faults().expireUrls()) {
            shop.faults(shop.faults().withExpiredUrls(false));
            operation.get().expired();
            storageError(context.response(), 400, "ExpiredToken", "The provided token has expired. Request signature expired at: "
                    + Instant.ofEpochSecond(expires));
            return;
        }
        Path file = operation.get().file();
        Faults faults = shop.faults();
        long cut = faults.cutDownloadAfterBytes();
        long stall = faults.stallDownloadAfterBytes();
        HttpServerResponse response = context.response().putHeader("Content-Type", "application/jsonl");
        if (cut <= 0 && stall <= 0) {
            response.sendFile(file.toString());
            return;
        }
        shop.faults(faults.withoutDownloadFaults());
        vertx.<Buffer>executeBlocking(() -> {
            try (InputStream in = Files.newInputStream(file)) {
                return Buffer.buffer(in.readNBytes((int) (cut > 0 ? cut : stall)));
            }
        }, false).onSuccess(head -> {
            try {
                response.putHeader("Content-Length", Long.toString(Files.size(file)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // A cut closes the connection; a stall keeps it open and sends nothing more until the client gives up.
            response.write(head).onComplete(written -> {
                if (cut > 0) {
                    context.request().connection().close();
                }
            });
        });
    }

    private static Optional<Long> parseId(String name) {
        try {
            return Optional.of(Long.parseLong(name.substring(0, name.indexOf('.'))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void storageError(HttpServerResponse response, int status, String code, String message) {
        response.setStatusCode(status).putHeader("Content-Type", "application/xml; charset=UTF-8")
                .end("<?xml version='1.0' encoding='UTF-8'?><Error><Code>" + code + "</Code><Message>" + message + "</Message></Error>");
    }

    private void bulkOperationFinished(BulkOperation operation) {
        Map<String, Object> payload = new java.util.LinkedHashMap<>();
        payload.put("admin_graphql_api_id", operation.gid());
        payload.put("completed_at", Instant.now().toString());
        payload.put("created_at", Instant.now().toString());
        payload.put("error_code", Optional.ofNullable((String) operation.graphQl(null).get("errorCode"))
                .map(code -> code.toLowerCase(Locale.ROOT)).orElse(null));
        payload.put("status", operation.status().toLowerCase(Locale.ROOT));
        payload.put("type", "query");
        try {
            deliver(operation.shop(), new SimulatedShop.Webhooks(List.of(new PendingWebhook("bulk_operations/finish",
                    JSON.writeValueAsBytes(payload), Instant.now()))), Mode.NORMAL, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void json(HttpServerResponse response, int status, Object body) {
        try {
            response.setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
                    .end(Buffer.buffer(JSON.writeValueAsBytes(body)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        exports.shutdownNow();
        try {
            exports.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
