package com.crm.shopifysync.sync.connect;

import com.crm.shopifysync.model.ShopDomains;
import com.crm.shopifysync.sync.bulk.SyncRunner;
import com.crm.shopifysync.sync.shop.ShopDirectory;
import com.crm.shopifysync.sync.shop.ShopifyConfig;
import com.crm.shopifysync.sync.shop.ShopifyTokenEndpoint;
import com.crm.shopifysync.sync.subscription.SubscriptionWatchdog;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Shopify's requests through the merchant's browser:
 * <ul>
 *   <li>{@code GET /auth/shopify?shop&hmac&timestamp&host}: the app URL Shopify opens on an install started from its
 *       side; verified, then sent on to the app's authorization (302)</li>
 *   <li>{@code GET /auth/shopify/callback?code&hmac&host&shop&state&timestamp}: verified (hmac, shop, timestamp, the
 *       single-use state of that shop), the code exchanged for an expiring offline token and the connection stored, the
 *       shop's subscriptions registered and its sync started; 302 to the shop's integrations page. A refused callback
 *       gets 400 or 401 and stores nothing.</li>
 * </ul>
 */
@Path("/auth/shopify")
public class ShopifyAuthResource {

    private static final Logger LOG = Logger.getLogger(ShopifyAuthResource.class);

    private final ShopifyConfig config;
    private final ShopConnections connections;
    private final OAuthStates states;
    private final SubscriptionWatchdog subscriptions;
    private final SyncRunner runner;
    private final ShopDirectory shops;

    public ShopifyAuthResource(ShopifyConfig config, ShopConnections connections, OAuthStates states, SubscriptionWatchdog subscriptions,
                               SyncRunner runner, ShopDirectory shops) {
        this.shops = shops;
        this.config = config;
        this.connections = connections;
        this.states = states;
        this.subscriptions = subscriptions;
        this.runner = runner;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> install(@Context UriInfo uri) {
        if (!config.canConnectShops()) {
            return Uni.createFrom().item(error(503, "connecting shops is not configured"));
        }
        Optional<Map<String, String>> query = singleValued(uri.getQueryParameters(true));
        if (query.isEmpty()) {
            return Uni.createFrom().item(error(400, "a parameter appears twice"));
        }
        Optional<ShopConnections.Refusal> refusal = connections.verify(query.get(), Instant.now());
        if (refusal.isPresent()) {
            return Uni.createFrom().item(refused("install", query.get().get("shop"), refusal.get()));
        }
        String shop = query.get().get("shop");
        // Opened from the Shopify admin of a shop already connected: straight to its page, no new grant.
        return shops.find(shop).chain(known -> known.filter(found -> found.connected() && ShopDirectory.INSTALLED.equals(found.source())).isPresent()
                ? Uni.createFrom().item(Response.status(302).location(URI.create("/integrations.html?shop=" + shop)).build())
                : states.issue(shop).map(state -> Response.status(302).location(URI.create(connections.authorizeUrl(shop, state))).build()));
    }

    @GET
    @Path("/callback")
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    public Response callback(@Context UriInfo uri) {
        if (!config.canConnectShops()) {
            return error(503, "connecting shops is not configured");
        }
        Optional<Map<String, String>> parameters = singleValued(uri.getQueryParameters(true));
        if (parameters.isEmpty()) {
            return error(400, "a parameter appears twice");
        }
        Map<String, String> query = parameters.get();
        Optional<ShopConnections.Refusal> refusal = connections.verify(query, Instant.now());
        if (refusal.isPresent()) {
            return refused("callback", query.get("shop"), refusal.get());
        }
        String shop = query.get("shop");
        String state = query.get("state");
        String code = query.get("code");
        if (state == null || code == null || code.isBlank()) {
            return refused("callback", shop, new ShopConnections.Refusal(400, "the callback has no state or no code"));
        }
        if (!states.consume(state, shop).await().indefinitely()) {
            return refused("callback", shop, new ShopConnections.Refusal(400, "the state is unknown, used already, expired or another shop's"));
        }
        ShopDirectory.Shop connected;
        try {
            connected = connections.connect(shop, code);
        } catch (ShopifyTokenEndpoint.Refused e) {
            return refused("callback", shop, new ShopConnections.Refusal(400, e.getMessage()));
        } catch (ShopifyTokenEndpoint.Unanswered e) {
            LOG.warnf("connecting %s: %s", shop, e.getMessage());
            return error(502, "Shopify did not answer the token exchange; connect the shop again");
        } catch (java.sql.SQLException e) {
            LOG.warnf("connecting %s: storing the connection failed: %s", shop, e.getMessage());
            return error(503, "the connection could not be stored; connect the shop again");
        }
        LOG.infof("shop %s connected", shop);
        // Its subscriptions, then its sync (initial, or a catch-up of what was missed while it was disconnected).
        subscriptions.registerNow(connected)
                .chain(() -> runner.start(shop, false, "connect"))
                .subscribe().with(started -> { }, e -> LOG.warnf("starting the sync of %s after connecting failed: %s", shop, e.getMessage()));
        return Response.status(302).location(URI.create("/integrations.html?shop=" + URLEncoder.encode(shop, StandardCharsets.UTF_8))).build();
    }

    private static Optional<Map<String, String>> singleValued(MultivaluedMap<String, String> parameters) {
        Map<String, String> single = new HashMap<>();
        for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
            if (parameter.getValue().size() != 1) {
                return Optional.empty();
            }
            single.put(parameter.getKey(), parameter.getValue().get(0));
        }
        return Optional.of(single);
    }

    private static Response refused(String what, String shop, ShopConnections.Refusal refusal) {
        // The reason only: never the query, which holds the code.
        LOG.warnf("OAuth %s refused (%d) for shop %s: %s", what, refusal.status(), shop == null ? "(none)" : shop.replaceAll("[^a-z0-9.-]", "?"),
                refusal.reason());
        return error(refusal.status(), refusal.reason());
    }

    private static Response error(int status, String message) {
        return ShopConnectResource.error(status, message);
    }
}
