package com.crm.shopifysync.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.simulator.ShopifySimulator;
import com.crm.shopifysync.simulator.ShopifySimulator.ShopSpec;
import com.crm.shopifysync.testing.StoreComparison;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two packaged sync-services share a shop's initial sync: SIGTERM to the one running it, in the middle of the
 * orders file, hands the sync to the other at once (the lease is released, not left to expire), and the other
 * finishes it from the checkpoint with exactly Shopify's data.
 */
class SyncServiceShutdownIT {

    static final Duration LEASE = Duration.ofSeconds(30);

    static BulkSyncSystem system;

    @BeforeAll
    static void startShopify() throws Exception {
        // Each export starts 15 s after it is asked for: time for the second instance to be up before the files flow.
        system = new BulkSyncSystem("shutdown_test", new ShopifySimulator.Options(0, (Path) null, null, null, "2026-07", 15_000, 1000),
                new ShopSpec("shutdown.myshopify.com", "shutdown-token", ShopSpec.ALL_SCOPES, 15_000, 30_000, 7), LEASE);
    }

    @AfterAll
    static void stopShopify() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void sigtermHandsTheRunningSyncToTheOtherReplicaWhichFinishesItExactly() throws Exception {
        ServiceProcess a = ServiceProcess.start("sync-service", 18380, system.environment(Map.of("HOSTNAME", "replica-a")));
        ServiceProcess b = ServiceProcess.start("sync-service", 18381, system.environment(Map.of("HOSTNAME", "replica-b")));
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(20))
                    .until(() -> system.single("SELECT coalesce(max(lines_applied), 0) FROM sync_operations WHERE resource = 'orders' AND NOT completed") > 0);
            String owner = system.text("SELECT lease_owner FROM sync_runs WHERE state = 'running'");
            ServiceProcess running = owner.startsWith("replica-a/") ? a : b;
            String other = owner.startsWith("replica-a/") ? "replica-b/" : "replica-a/";

            long stopped = System.nanoTime();
            running.close(); // SIGTERM, and wait for the process to end
            // The other replica has it well before the lease could have expired: it was released on shutdown.
            await().atMost(LEASE.minusSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> String.valueOf(system.text("SELECT coalesce(lease_owner, '') FROM sync_runs")).startsWith(other)
                            || system.single("SELECT count(*) FROM sync_runs WHERE state = 'succeeded'") == 1);
            System.out.printf("the other replica had the sync within %.1f s of SIGTERM (the stopped process's whole shutdown included)%n", (System.nanoTime() - stopped) / 1e9);

            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                    .until(() -> system.single("SELECT count(*) FROM sync_runs WHERE state <> 'running'") == 1);
            assertThat(system.single("SELECT count(*) FROM sync_runs WHERE state = 'succeeded'")).isEqualTo(1);
            try (Connection connection = system.connect()) {
                assertThat(StoreComparison.differences(connection, system.shop, 10)).isEmpty();
            }
        } finally {
            a.close();
            b.close();
        }
    }
}
