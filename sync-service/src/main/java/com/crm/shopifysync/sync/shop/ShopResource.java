package com.crm.shopifysync.sync.shop;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** {@code GET /api/shops}: the domains of the shops this CRM syncs (never their tokens). */
@Path("/api/shops")
@Produces(MediaType.APPLICATION_JSON)
public class ShopResource {

    public record ShopView(String domain) {
    }

    private final ShopifyConfig shopify;

    public ShopResource(ShopifyConfig shopify) {
        this.shopify = shopify;
    }

    @GET
    public List<ShopView> shops() {
        return shopify.shops().orElse(List.of()).stream().map(shop -> new ShopView(shop.domain())).toList();
    }
}
