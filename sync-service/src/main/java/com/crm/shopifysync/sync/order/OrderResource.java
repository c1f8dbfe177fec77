package com.crm.shopifysync.sync.order;

import com.crm.shopifysync.model.ShopDomains;
import com.crm.shopifysync.sync.api.PageOf;
import com.crm.shopifysync.sync.store.ShopResourceKey;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * {@code /api/shops/{shop}/orders}: active orders by default ({@code includeDeleted=true} adds those deleted in
 * Shopify), newest first, paged, each with its line items.
 */
@Path("/api/shops/{shop}/orders")
@Produces(MediaType.APPLICATION_JSON)
public class OrderResource {

    private final OrderRepository orders;

    public OrderResource(OrderRepository orders) {
        this.orders = orders;
    }

    @GET
    @WithSession
    public Uni<RestResponse<PageOf<OrderView>>> list(@RestPath String shop, @RestQuery @DefaultValue("0") int page,
                                                    @RestQuery @DefaultValue("50") int size,
                                                    @RestQuery @DefaultValue("false") boolean includeDeleted) {
        if (!PageOf.isValid(page, size)) {
            return Uni.createFrom().item(RestResponse.status(RestResponse.Status.BAD_REQUEST));
        }
        String shopDomain = ShopDomains.normalize(shop);
        return orders.listByShop(shopDomain, includeDeleted, Page.of(page, size))
                .chain(rows -> orders.lineItems(shopDomain, rows.stream().map(order -> order.shopifyId).toList())
                        .chain(items -> orders.countByShop(shopDomain, includeDeleted).map(total -> {
                            Map<Long, List<OrderLineItemEntity>> byOrder = items.stream()
                                    .collect(Collectors.groupingBy(item -> item.orderShopifyId));
                            List<OrderView> views = rows.stream()
                                    .map(order -> OrderView.of(order, byOrder.getOrDefault(order.shopifyId, List.of())))
                                    .toList();
                            return RestResponse.ok(new PageOf<>(views, page, size, total));
                        })));
    }

    @GET
    @Path("/{id}")
    @WithSession
    public Uni<RestResponse<OrderView>> get(@RestPath String shop, @RestPath long id) {
        String shopDomain = ShopDomains.normalize(shop);
        return orders.findById(new ShopResourceKey(shopDomain, id))
                .chain(order -> order == null ? Uni.createFrom().item(RestResponse.<OrderView>notFound())
                        : orders.lineItems(shopDomain, List.of(id)).map(items -> RestResponse.ok(OrderView.of(order, items))));
    }
}
