package com.crm.shopifysync.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.crm.shopifysync.simulator.ShopifySimulator;
import com.crm.shopifysync.simulator.ShopifySimulator.ShopSpec;
import com.crm.shopifysync.testing.StatusSocketClient;
import com.crm.shopifysync.testing.StatusSocketClient.Received;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two packaged sync-services, started together on an empty database: Sync Now on replica A runs the sync there, and a client connected to replica B sees
 * its progress climb and its summary (PostgreSQL NOTIFY reaches every replica).
 */
class SyncStatusAcrossReplicasIT {

    static final String SHOP = "replicas.myshopify.com";
    static final String TOKEN = "system-test-token";
    static BulkSyncSystem system;

    @BeforeAll
    static void startShopify() throws Exception {
        system = new BulkSyncSystem("status_replicas", ShopifySimulator.Options.defaults(),
                new ShopSpec(SHOP, "replicas-token", ShopSpec.ALL_SCOPES, 10_000, 20_000, 11), Duration.ofSeconds(10));
    }

    @AfterAll
    static void stopShopify() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    private static ServiceProcess start(int port, String host) {
        try {
            return ServiceProcess.start("sync-service", port, system.environment(Map.of("SYNC_BULK_INITIAL_SYNC_ON_START", "false",
                    "HOSTNAME", host)));
        } catch (Exception e) {
            throw new IllegalStateException(host + " did not start", e);
        }
    }

    @Test
    void progressOfASyncOnOneReplicaReachesClientsOfTheOther() throws Exception {
        // Both start at once on the empty database, as pods of a new deployment do: Flyway's advisory lock lets one
        // migrate while the other waits.
        CompletableFuture<ServiceProcess> startingA = CompletableFuture.supplyAsync(() -> start(18390, "replica-a"));
        CompletableFuture<ServiceProcess> startingB = CompletableFuture.supplyAsync(() -> start(18391, "replica-b"));
        ServiceProcess a = startingA.join();
        ServiceProcess b = startingB.join();
        try (StatusSocketClient onB = StatusSocketClient.connect("http://127.0.0.1:18391", SHOP, TOKEN)) {
            JsonNode before = onB.await(status -> true, Duration.ofSeconds(10));
            assertThat(before.path("state").asText()).isEqualTo("stale");

            HttpResponse<String> started = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:18390/api/shops/" + SHOP + "/sync"))
                    .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(started.statusCode()).isEqualTo(202);
            assertThat(system.text("SELECT lease_owner FROM sync_runs WHERE state = 'running'"))
                    .as("the sync runs on replica A").startsWith("replica-a/");

            JsonNode done = onB.await(status -> status.path("summary").asText().startsWith("Sync complete"), Duration.ofMinutes(3));
            assertThat(done.path("state").asText()).isEqualTo("idle");
            assertThat(done.path("summary").asText()).isEqualTo("Sync complete: 10,000 customers, 20,000 orders imported");
            List<Long> rows = onB.received().stream().map(Received::status)
                    .filter(status -> status.path("runId").asText().equals(done.path("runId").asText()))
                    .map(status -> status.path("customers").path("synced").asLong() + status.path("orders").path("synced").asLong())
                    .toList();
            assertThat(rows).as("rows synced, as replica B's client saw them").isSorted();
            assertThat(rows.stream().filter(count -> count > 0 && count < 30_000).distinct().count()).isGreaterThanOrEqualTo(3);
        } finally {
            a.close();
            b.close();
        }
    }
}
