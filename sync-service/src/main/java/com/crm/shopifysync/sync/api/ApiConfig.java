package com.crm.shopifysync.sync.api;

import io.smallrye.config.ConfigMapping;
import java.nio.charset.StandardCharsets;
import java.util.List;

@ConfigMapping(prefix = "sync.api")
public interface ApiConfig {

    /**
     * Bearer tokens accepted by the admin API ({@code SYNC_API_TOKENS}, comma-separated); list a new and
     * an old one while rotating.
     */
    List<String> tokens();

    /** The tokens' UTF-8 bytes, for constant-time comparison and as HMAC keys. */
    default List<byte[]> tokenBytes() {
        return tokens().stream().map(token -> token.getBytes(StandardCharsets.UTF_8)).toList();
    }
}
