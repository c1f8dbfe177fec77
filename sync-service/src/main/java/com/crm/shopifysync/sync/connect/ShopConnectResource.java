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
 * {@code POST /api/shops/connect {"shop"}} (admin token): {@code {"shop", "authorizeUrl"}}, Shopify's authorization page
 * of the shop to send its merchant to (authorization code grant, offline access, a single-use state); 400 for a domain
 * that is not {@code *.myshopify.com}, 503 when the app's credentials are not configured.
 */
@Path("/api/shops/connect")
public class ShopConnectResource {

    public record ConnectRequest(String shop) {
    }

    private final ShopifyConfig config;
    private final ShopConnections connections;
    private final OAuthStates states;

    public ShopConnectResource(ShopifyConfig config, ShopConnections connections, OAuthStates states) {
        this.config = config;
        this.connections = connections;
        this.states = states;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> connect(ConnectRequest request) {
        if (!config.canConnectShops()) {
            return Uni.createFrom().item(error(503, "connecting shops is not configured: set SHOPIFY_API_KEY, SHOPIFY_API_SECRET, "
                    + "SHOPIFY_APP_URL and SHOPIFY_TOKEN_KEYS"));
        }
        String shop = request == null ? null : ShopDomains.normalize(request.shop());
        if (!ShopConnections.isShopDomain(shop)) {
            return Uni.createFrom().item(error(400, "shop must be a *.myshopify.com domain"));
        }
        return states.issue(shop).map(state -> Response.ok(Map.of("shop", shop, "authorizeUrl", connections.authorizeUrl(shop, state))).build());
    }

    static Response error(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("error", message)).build();
    }
}
