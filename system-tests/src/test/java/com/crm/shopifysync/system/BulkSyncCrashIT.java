package com.crm.shopifysync.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.simulator.ShopifySimulator;
import com.crm.shopifysync.simulator.ShopifySimulator.ShopSpec;
import com.crm.shopifysync.testing.PrometheusText;
import com.crm.shopifysync.testing.StoreComparison;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged sync-service killed (SIGKILL) in the middle of an initial sync's download, then started again: the
 * new process takes the abandoned sync over once its lease expires, continues the file after the last committed
 * batch, and finishes with exactly Shopify's data, re-applying less than 5% of the rows.
 */
class BulkSyncCrashIT {

    static final int CUSTOMERS = 20_000;
    static final int ORDERS = 40_000;

    static BulkSyncSystem system;

    @BeforeAll
    static void startShopify() throws Exception {
        system = new BulkSyncSystem("crash_test", ShopifySimulator.Options.defaults(),
                new ShopSpec("crash.myshopify.com", "crash-token", ShopSpec.ALL_SCOPES, CUSTOMERS, ORDERS, 99), Duration.ofSeconds(3));
    }

    @AfterAll
    static void stopShopify() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void killedMidDownloadTheSyncResumesFromItsCheckpointWithExactData() throws Exception {
        ServiceProcess first = ServiceProcess.start("sync-service", 18280, system.environment(Map.of()));
        // Kill it once part of the orders file is committed and the rest is not.
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(20))
                .until(() -> system.single("SELECT coalesce(max(lines_applied), 0) FROM sync_operations WHERE resource = 'orders' AND NOT completed") > 0);
        first.kill();
        long committedBeforeKill = system.single("SELECT coalesce(sum(rows_applied), 0) FROM sync_operations");
        assertThat(committedBeforeKill).isPositive().isLessThan(CUSTOMERS + ORDERS);
        assertThat(system.single("SELECT count(*) FROM sync_runs WHERE state = 'running'")).isEqualTo(1);

        ServiceProcess second = ServiceProcess.start("sync-service", 18281, system.environment(Map.of()));
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                    .until(() -> system.single("SELECT count(*) FROM sync_runs WHERE state <> 'running'") == 1);
            assertThat(system.single("SELECT count(*) FROM sync_runs WHERE state = 'succeeded'")).isEqualTo(1);
            assertThat(system.single("SELECT count(*) FROM sync_runs")).as("the same sync resumed, not a new one").isEqualTo(1);
            try (Connection connection = system.connect()) {
                assertThat(StoreComparison.differences(connection, system.shop, 10)).isEmpty();
            }
            double appliedAfterRestart = metric(second, "sync_bulk_rows_applied_total");
            double reapplied = appliedAfterRestart - (CUSTOMERS + ORDERS - committedBeforeKill);
            System.out.printf("killed with %d of %d rows committed; the second process applied %.0f rows, %.0f of them again (%.2f%%)%n",
                    committedBeforeKill, CUSTOMERS + ORDERS, appliedAfterRestart, reapplied, 100 * reapplied / (CUSTOMERS + ORDERS));
            assertThat(reapplied).isGreaterThanOrEqualTo(0).isLessThan(0.05 * (CUSTOMERS + ORDERS));
        } finally {
            second.close();
        }
    }

    private static double metric(ServiceProcess service, String prefix) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(service.uri("/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        return PrometheusText.sum(response.body(), prefix, "");
    }
}
