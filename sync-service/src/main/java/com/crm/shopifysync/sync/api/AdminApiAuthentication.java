package com.crm.shopifysync.sync.api;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every {@code /api/} request needs {@code Authorization: Bearer <token>} with a configured token;
 * otherwise 401 with {@code WWW-Authenticate: Bearer}. A static-token check is all the admin API needs
 * (the CRM backend calls it), so no identity provider is involved; tokens compare in constant time.
 */
public class AdminApiAuthentication {

    private static final String PREFIX = "Bearer ";

    private final List<byte[]> tokens;

    public AdminApiAuthentication(ApiConfig config) {
        if (config.tokens().stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("sync.api.tokens must not contain a blank token");
        }
        this.tokens = config.tokenBytes();
    }

    @ServerRequestFilter(preMatching = true)
    public Optional<RestResponse<Void>> authenticate(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/api/")) {
            return Optional.empty();
        }
        Optional<String> token = bearerToken(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (token.isPresent() && isKnown(token.get())) {
            return Optional.empty();
        }
        return Optional.of(RestResponse.ResponseBuilder.<Void>create(RestResponse.Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build());
    }

    /** The token of an {@code Authorization: Bearer <token>} header. */
    public static Optional<String> bearerToken(String authorization) {
        return authorization != null && authorization.startsWith(PREFIX)
                ? Optional.of(authorization.substring(PREFIX.length()).strip()) : Optional.empty();
    }

    public boolean isKnown(String token) {
        byte[] presented = token.getBytes(StandardCharsets.UTF_8);
        boolean known = false;
        for (byte[] candidate : tokens) {
            known |= MessageDigest.isEqual(candidate, presented);
        }
        return known;
    }
}
