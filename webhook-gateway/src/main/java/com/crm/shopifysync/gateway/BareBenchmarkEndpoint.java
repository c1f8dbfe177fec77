package com.crm.shopifysync.gateway;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The benchmark's baseline: the same HTTP stack and body handling as {@link ShopifyWebhookResource}, and no
 * work. Answers 404 unless {@code benchmark.bare-endpoint.enabled=true} (off in every deployment).
 */
@Path("/benchmark/bare")
public class BareBenchmarkEndpoint {

    private final boolean enabled;

    public BareBenchmarkEndpoint(@ConfigProperty(name = "benchmark.bare-endpoint.enabled", defaultValue = "false") boolean enabled) {
        this.enabled = enabled;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> receive(byte[] body) {
        return Uni.createFrom().item(Response.status(enabled ? Response.Status.OK : Response.Status.NOT_FOUND).build());
    }
}
