package com.crm.shopifysync.simulator;

import static com.crm.shopifysync.simulator.ShopifySimulator.json;

import com.crm.shopifysync.simulator.AppInstallation.OAuthError;
import com.crm.shopifysync.simulator.AppInstallation.Tokens;
import com.crm.shopifysync.simulator.ShopifySimulator.Options;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Shopify's OAuth for a public, non-embedded app, under a shop's base URL ({@code /shops/{shop}}): the install page
 * ({@code GET /admin/oauth/authorize}), the merchant's approval (a POST from that page, answered by a redirect to the
 * app with {@code code}, {@code hmac}, {@code host}, {@code shop}, {@code state}, {@code timestamp}), and the token
 * endpoint ({@code POST /admin/oauth/access_token}) with the authorization code grant and the refresh grant.
 */
final class OAuthApi {

    /** Access scopes Shopify has (a subset: those an app like ours could ask for). */
    static final Set<String> KNOWN_SCOPES = Set.of("read_customers", "write_customers", "read_orders", "write_orders",
            "read_all_orders", "read_products", "write_products", "read_inventory", "write_inventory", "read_fulfillments",
            "write_fulfillments", "read_draft_orders", "write_draft_orders", "read_locations", "read_marketing_events",
            "write_marketing_events", "read_shipping", "write_shipping", "read_discounts", "write_discounts");
    private static final String MYSHOPIFY = ".myshopify.com";

    private final ShopifySimulator simulator;

    OAuthApi(ShopifySimulator simulator) {
        this.simulator = simulator;
    }

    void routes(Router router) {
        router.get("/shops/:shop/admin/oauth/authorize").handler(this::installPage);
        router.post("/shops/:shop/admin/oauth/authorize").handler(this::approve);
        router.post("/shops/:shop/admin/oauth/access_token").handler(this::accessToken);
    }

    /** What the app asked for in its redirect to the install page. */
    private record AuthorizationRequest(SimulatedShop shop, String clientId, List<String> scopes, String redirectUri, String state,
                                        String grantOptions) {
    }

    private void installPage(RoutingContext context) {
        Optional<AuthorizationRequest> request = authorizationRequest(context);
        if (request.isEmpty()) {
            return;
        }
        AuthorizationRequest asked = request.get();
        String action = "/shops/" + escape(asked.shop().domain()) + "/admin/oauth/authorize";
        String page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Install app</title></head><body>"
                + "<main><h1>Install app</h1>"
                + "<p>Store: <strong id=\"shop\">" + escape(asked.shop().domain()) + "</strong></p>"
                + "<p>App: <strong id=\"client-id\">" + escape(asked.clientId()) + "</strong></p>"
                + "<p>This app will be able to:</p><ul id=\"scopes\">"
                + asked.scopes().stream().map(scope -> "<li>" + escape(scope) + "</li>").collect(Collectors.joining())
                + "</ul><form method=\"post\" action=\"" + action + "\">"
                + hidden("client_id", asked.clientId()) + hidden("scope", String.join(",", asked.scopes()))
                + hidden("redirect_uri", asked.redirectUri()) + hidden("state", asked.state())
                + hidden("grant_options[]", asked.grantOptions())
                + "<button type=\"submit\" id=\"install\">Install</button></form></main></body></html>";
        html(context, 200, page);
    }

    /** The merchant pressed Install: a code for the app, delivered by redirecting the browser to the app. */
    private void approve(RoutingContext context) {
        Optional<AuthorizationRequest> request = authorizationRequest(context);
        if (request.isEmpty()) {
            return;
        }
        AuthorizationRequest asked = request.get();
        String code = asked.shop().installation().approve(asked.clientId(), asked.scopes());
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("code", code);
        parameters.put("host", host(asked.shop().domain()));
        parameters.put("shop", asked.shop().domain());
        if (asked.state() != null) {
            parameters.put("state", asked.state());
        }
        parameters.put("timestamp", Long.toString(Instant.now().getEpochSecond()));
        parameters.put("hmac", OAuthSignature.sign(simulator.options().clientSecret(), parameters));
        String query = parameters.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(parameter -> encode(parameter.getKey()) + "=" + encode(parameter.getValue()))
                .collect(Collectors.joining("&"));
        String separator = asked.redirectUri().contains("?") ? "&" : "?";
        context.response().setStatusCode(302).putHeader("Location", asked.redirectUri() + separator + query).end();
    }

    /** The admin's address of the shop, base64url without padding, as Shopify's {@code host} parameter carries it. */
    static String host(String shopDomain) {
        String name = shopDomain.endsWith(MYSHOPIFY) ? shopDomain.substring(0, shopDomain.length() - MYSHOPIFY.length()) : shopDomain;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("admin.shopify.com/store/" + name).getBytes(StandardCharsets.UTF_8));
    }

    /** The request's parameters checked as Shopify checks them; on a fault answers the error page and is empty. */
    private Optional<AuthorizationRequest> authorizationRequest(RoutingContext context) {
        Options options = simulator.options();
        HttpServerRequest request = context.request();
        Optional<SimulatedShop> shop = simulator.shop(context.pathParam("shop"));
        String clientId = request.getParam("client_id");
        String redirectUri = request.getParam("redirect_uri");
        String grantOptions = Optional.ofNullable(request.getParam("grant_options[]")).orElse("");
        List<String> scopes = Arrays.stream(Optional.ofNullable(request.getParam("scope")).orElse("").split(","))
                .map(String::trim).filter(scope -> !scope.isEmpty()).toList();
        List<String> unknownScopes = scopes.stream().filter(scope -> !KNOWN_SCOPES.contains(scope)).toList();
        String error = null;
        if (shop.isEmpty()) {
            error = "There is no store " + context.pathParam("shop") + ".";
        } else if (options.clientId() == null || options.clientSecret() == null) {
            error = "Oauth error invalid_request: the simulator has no app (Options.withApp).";
        } else if (clientId == null || !clientId.equals(options.clientId())) {
            error = "Oauth error invalid_request: Could not find Shopify API application with api_key " + clientId + ".";
        } else if (!absoluteHttpUrl(redirectUri)) {
            error = "Oauth error invalid_request: The redirect_uri is missing or is not an absolute http(s) URL.";
        } else if (scopes.isEmpty() || !unknownScopes.isEmpty()) {
            error = "Oauth error invalid_scope: " + (scopes.isEmpty() ? "no scope was requested." : "unknown scopes " + unknownScopes + ".");
        } else if (!grantOptions.isEmpty()) {
            error = "Oauth error invalid_request: the simulator grants offline access only (grant_options[] empty), not "
                    + grantOptions + ".";
        }
        if (error != null) {
            html(context, 400, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Oauth error</title></head>"
                    + "<body><main><h1>Oauth error</h1><p id=\"error\">" + escape(error) + "</p></main></body></html>");
            return Optional.empty();
        }
        String state = Optional.ofNullable(request.getParam("state")).filter(value -> !value.isEmpty()).orElse(null);
        return Optional.of(new AuthorizationRequest(shop.get(), clientId, scopes, redirectUri, state, grantOptions));
    }

    // ---- the token endpoint ----

    private void accessToken(RoutingContext context) {
        Optional<SimulatedShop> shop = simulator.shop(context.pathParam("shop"));
        if (shop.isEmpty()) {
            json(context.response(), 404, Map.of("errors", "Not Found"));
            return;
        }
        Map<String, String> parameters = parameters(context);
        Options options = simulator.options();
        try {
            if (options.clientId() == null || !options.clientId().equals(parameters.get("client_id"))
                    || !options.clientSecret().equals(parameters.get("client_secret"))) {
                throw new OAuthError(401, "invalid_client", null);
            }
            if ("refresh_token".equals(parameters.get("grant_type"))) {
                refresh(context, shop.get(), parameters.get("refresh_token"));
                return;
            }
            boolean expiring = "1".equals(parameters.get("expiring"));
            Tokens tokens = shop.get().installation().exchangeCode(parameters.get("code"), parameters.get("client_id"), expiring,
                    options.tokenLifetime(), options.refreshTokenLifetime());
            simulator.appInstalled(shop.get());
            json(context.response(), 200, tokens.json());
        } catch (OAuthError error) {
            json(context.response(), error.status(), error.json());
        }
    }

    private void refresh(RoutingContext context, SimulatedShop shop, String refreshToken) {
        Options options = simulator.options();
        Tokens tokens = shop.installation().refresh(refreshToken, options.tokenLifetime(), options.refreshTokenLifetime());
        Faults faults = shop.faults();
        if (faults.lostRefreshResponses() > 0) {
            // Shopify has rotated the pair; the app never hears of it.
            shop.faults(faults.withLostRefreshResponseUsed());
            context.request().connection().close();
            return;
        }
        json(context.response(), 200, tokens.json());
    }

    /** The token request's parameters, from a JSON or a form body (Shopify's libraries send either). */
    private static Map<String, String> parameters(RoutingContext context) {
        Map<String, String> parameters = new LinkedHashMap<>();
        String contentType = Optional.ofNullable(context.request().getHeader("Content-Type")).orElse("").toLowerCase(Locale.ROOT);
        if (contentType.startsWith("application/json")) {
            JsonObject body;
            try {
                body = context.body().asJsonObject();
            } catch (RuntimeException e) {
                body = null;
            }
            if (body != null) {
                body.forEach(entry -> parameters.put(entry.getKey(), entry.getValue() == null ? null : String.valueOf(entry.getValue())));
            }
        } else {
            context.request().params().forEach(entry -> parameters.putIfAbsent(entry.getKey(), entry.getValue()));
        }
        return parameters;
    }

    // ---- helpers ----

    private static boolean absoluteHttpUrl(String value) {
        if (value == null) {
            return false;
        }
        try {
            URI uri = new URI(value);
            return uri.isAbsolute() && uri.getHost() != null
                    && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()));
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + escape(name) + "\" value=\"" + escape(value == null ? "" : value) + "\">";
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String escape(String text) {
        StringBuilder escaped = new StringBuilder();
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    private static void html(RoutingContext context, int status, String page) {
        context.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8").end(page);
    }
}
