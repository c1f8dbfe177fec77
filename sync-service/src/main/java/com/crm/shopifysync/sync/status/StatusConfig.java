package com.crm.shopifysync.sync.status;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code sync.status.*}: when a shop's data counts as stale, and how live status reaches WebSocket clients. */
@ConfigMapping(prefix = "sync.status")
public interface StatusConfig {

    /** No successful sync for this long turns the state to stale. */
    @WithDefault("24h")
    Duration staleAfter();

    /** How often the shops with connected clients are checked for turning stale (a clock, not a database, changes it). */
    @WithDefault("1m")
    Duration staleCheck();

    /**
     * The least time between two pushes of one shop's status (10 a second at most): progress never floods clients,
     * whatever the row rate, and a progress event waits at most this long for its push.
     */
    @WithDefault("100ms")
    Duration pushInterval();

    /** How long a WebSocket ticket opens connections for. */
    @WithDefault("60s")
    Duration ticketLifetime();
}
