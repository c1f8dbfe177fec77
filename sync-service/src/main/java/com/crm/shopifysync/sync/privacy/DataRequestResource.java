package com.crm.shopifysync.sync.privacy;

import com.crm.shopifysync.model.ShopDomains;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * {@code /api/shops/{shop}/data-requests}: the customers/data_request webhooks of the shop, which its merchant must answer
 * within 30 days, and each one's export: everything the CRM stores about the customer, as a JSON download.
 */
@Path("/api/shops/{shop}/data-requests")
@Produces(MediaType.APPLICATION_JSON)
public class DataRequestResource {

    private final DataRequests dataRequests;

    public DataRequestResource(DataRequests dataRequests) {
        this.dataRequests = dataRequests;
    }

    /** Newest first. */
    @GET
    public Uni<List<DataRequestView>> list(@RestPath String shop) {
        return dataRequests.list(ShopDomains.normalize(shop));
    }

    /** The export, read now; 404 for an unknown request or one of another shop. */
    @GET
    @Path("/{id}")
    public Uni<RestResponse<DataRequestExport>> export(@RestPath String shop, @RestPath long id) {
        return dataRequests.export(ShopDomains.normalize(shop), id).map(found -> found
                .map(export -> RestResponse.ResponseBuilder.ok(export)
                        .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + fileName(export.request()) + "\"")
                        .build())
                .orElseGet(RestResponse::notFound));
    }

    /** {@code data-request-<Shopify's request id>-customer-<customer id>.json}: digits only, safe in the header. */
    static String fileName(DataRequestView request) {
        return "data-request-" + request.shopifyRequestId() + "-customer-" + request.customerId() + ".json";
    }
}
