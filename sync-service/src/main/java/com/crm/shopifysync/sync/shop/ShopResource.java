package com.crm.shopifysync.sync.shop;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * {@code GET /api/shops}: every shop this CRM syncs (configured, or connected by its merchant) with its connection's
 * state; never a token.
 */
@Path("/api/shops")
@Produces(MediaType.APPLICATION_JSON)
public class ShopResource {

    /**
     * @param source     configured (the environment) or installed (connected by its merchant)
     * @param connection connected, or reconnect (its merchant must connect it again), with the problem in words
     */
    public record ShopView(String domain, String source, String connection, String problem) {
    }

    private final ShopDirectory shops;

    public ShopResource(ShopDirectory shops) {
        this.shops = shops;
    }

    @GET
    public Uni<List<ShopView>> shops() {
        return shops.all().map(all -> all.stream()
                .map(shop -> new ShopView(shop.domain(), shop.source(), shop.connectionState(), shop.connectionProblem())).toList());
    }
}
