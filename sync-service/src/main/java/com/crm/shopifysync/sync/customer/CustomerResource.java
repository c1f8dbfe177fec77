package com.crm.shopifysync.sync.customer;

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
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * {@code /api/shops/{shop}/customers}: active customers by default ({@code includeDeleted=true} adds
 * soft-deleted ones), paged by Shopify id.
 */
@Path("/api/shops/{shop}/customers")
@Produces(MediaType.APPLICATION_JSON)
public class CustomerResource {

    private final CustomerRepository customers;

    public CustomerResource(CustomerRepository customers) {
        this.customers = customers;
    }

    @GET
    @WithSession
    public Uni<RestResponse<PageOf<CustomerView>>> list(@RestPath String shop, @RestQuery @DefaultValue("0") int page,
                                                       @RestQuery @DefaultValue("50") int size,
                                                       @RestQuery @DefaultValue("false") boolean includeDeleted) {
        if (!PageOf.isValid(page, size)) {
            return Uni.createFrom().item(RestResponse.status(RestResponse.Status.BAD_REQUEST));
        }
        String shopDomain = ShopDomains.normalize(shop);
        return customers.listByShop(shopDomain, includeDeleted, Page.of(page, size))
                .chain(rows -> customers.countByShop(shopDomain, includeDeleted)
                        .map(total -> RestResponse.ok(new PageOf<>(rows.stream().map(CustomerView::of).toList(), page, size, total))));
    }

    @GET
    @Path("/{id}")
    @WithSession
    public Uni<RestResponse<CustomerView>> get(@RestPath String shop, @RestPath long id) {
        return customers.findById(new ShopResourceKey(ShopDomains.normalize(shop), id))
                .map(entity -> entity == null ? RestResponse.<CustomerView>notFound() : RestResponse.ok(CustomerView.of(entity)));
    }
}
