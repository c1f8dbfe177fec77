package com.crm.shopifysync.sync.bulk;

import static com.crm.shopifysync.sync.bulk.ShopAssertions.assertStoreMatches;
import static com.crm.shopifysync.sync.bulk.ShopAssertions.awaitEnded;
import static com.crm.shopifysync.sync.bulk.ShopAssertions.count;
import static com.crm.shopifysync.sync.bulk.ShopAssertions.status;
import static com.crm.shopifysync.sync.bulk.ShopAssertions.syncNow;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.simulator.Faults;
import com.crm.shopifysync.simulator.SimulatedShop;
import com.crm.shopifysync.simulator.SimulatedShop.PendingWebhook;
import com.crm.shopifysync.simulator.StoreData;
import com.crm.shopifysync.sync.webhook.WebhookRecords;
import com.crm.shopifysync.testing.KafkaTestResource;
import com.crm.shopifysync.testing.PostgresTestResource;
import com.crm.shopifysync.testing.ShopifySimulatorTestResource;
import com.crm.shopifysync.testing.StoreComparison;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A sync run has one executor and one ending, its full-sync sweep deletes only what Shopify deleted, and no state it
 * can reach is stuck: failed exports, a stalled download and a row PostgreSQL refuses all end in a finished sync once
 * their cause is gone (or, for the row, with the row quarantined where an operator sees it).
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(value = ShopifySimulatorTestResource.class, initArgs = {
        @ResourceArg(name = "shop", value = SyncRunIntegrityTest.SHOP),
        @ResourceArg(name = "customers", value = "300"),
        @ResourceArg(name = "orders", value = "600"),
        @ResourceArg(name = "seed", value = "5")})
class SyncRunIntegrityTest {

    static final String SHOP = "integrity-test.myshopify.com";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    SyncRunStore store;

    SimulatedShop shop() {
        return ShopifySimulatorTestResource.shop();
    }

    @BeforeEach
    void noSyncRunning() {
        await().atMost(Duration.ofMinutes(2)).until(() -> count("SELECT count(*) FROM sync_runs WHERE shop_domain = '" + SHOP
                + "' AND state = 'succeeded'") > 0 && count("SELECT count(*) FROM sync_runs WHERE state = 'running'") == 0);
    }

    @AfterEach
    void healthyAgain() {
        shop().faults(Faults.NONE);
        shop().clockOffset(Duration.ZERO);
    }

    @Test
    void twoSyncNowCallsResumingTheSameFailedSyncStartItOnce() throws Exception {
        shop().faults(Faults.NONE.withBulkFailure("ACCESS_DENIED", 0.5));
        String run = syncNow(SHOP, "full");
        assertThat(awaitEnded(SHOP, run, Duration.ofMinutes(1)).getString("state")).isEqualTo("error");

        // Both resumes read the failed run, then wait on its row: whichever replica they reach, one of them must lose.
        List<Response> answers;
        try (Connection editor = PostgresTestResource.connect(); Statement lock = editor.createStatement()) {
            editor.setAutoCommit(false);
            lock.execute("SELECT 1 FROM sync_runs WHERE id = '" + run + "' FOR UPDATE");
            CompletableFuture<Response> first = CompletableFuture.supplyAsync(() -> ShopAssertions.postSyncNow(SHOP));
            CompletableFuture<Response> second = CompletableFuture.supplyAsync(() -> ShopAssertions.postSyncNow(SHOP));
            await().atMost(Duration.ofSeconds(20)).until(() -> count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    + "AND query LIKE 'UPDATE sync_runs%'") == 2);
            editor.commit();
            answers = List.of(first.get(), second.get());
        }
        assertThat(answers).extracting(Response::statusCode).containsExactlyInAnyOrder(202, 409);
        assertThat(answers).allSatisfy(answer -> assertThat(answer.jsonPath().getString("runId")).isEqualTo(run));
        assertThat(awaitEnded(SHOP, run, Duration.ofMinutes(1)).getString("state")).isEqualTo("idle");
        assertStoreMatches(shop());
    }

    @Test
    void endingARunTwiceChangesNothing() throws Exception {
        String run = syncNow(SHOP, "full");
        JsonPath ended = awaitEnded(SHOP, run, Duration.ofMinutes(1));
        assertThat(ended.getString("state")).isEqualTo("idle");
        long active = count("SELECT count(*) FROM customers WHERE shop_domain = '" + SHOP + "' AND deleted_at IS NULL");

        // A replica that lost the run (or a retried call) ends it again, as a success and as a failure.
        assertThatThrownBy(() -> store.succeeded(UUID.fromString(run), "a-replica-that-lost-it", "Sync complete: again").await().indefinitely())
                .isInstanceOf(LeaseLostException.class);
        store.failed(UUID.fromString(run), "a-replica-that-lost-it", "ended twice").await().indefinitely();

        assertThat(count("SELECT count(*) FROM customers WHERE shop_domain = '" + SHOP + "' AND deleted_at IS NULL")).isEqualTo(active);
        JsonPath after = status(SHOP);
        assertThat(after.getString("state")).isEqualTo("idle");
        assertThat(after.getString("summary")).isEqualTo(ended.getString("summary"));
        assertThat(after.getString("failureReason")).isNull();
        assertStoreMatches(shop());
    }

    @Test
    void aFullSyncNeverSoftDeletesACustomerShopifyCreatedDuringIt() throws Exception {
        // Shopify's clock is two minutes behind ours, and every call is slow enough to act while the orders are exported.
        shop().clockOffset(Duration.ofMinutes(-2));
        shop().faults(Faults.NONE.withResponseDelay(1_500));
        String run = syncNow(SHOP, "full");
        await().atMost(Duration.ofMinutes(1)).until(() -> count("SELECT count(*) FROM sync_operations WHERE run_id = '" + run
                + "' AND resource = 'customers' AND completed") == 1);

        // The merchant creates a customer after the customers were exported; its webhook arrives during the sync.
        PendingWebhook created = shop().createCustomer("During", "Sync", "during.sync@example.com").first();
        long id = shop().customerList().stream().filter(customer -> "during.sync@example.com".equals(customer.email()))
                .findFirst().orElseThrow().id();
        try (WebhookRecords kafka = new WebhookRecords(bootstrapServers)) {
            kafka.send(WebhookRecords.record(WebhookRecords.delivery(created.topic(), SHOP), created.body()));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM customers WHERE shop_domain = '" + SHOP
                + "' AND shopify_id = " + id) == 1);
        assertThat(count("SELECT count(*) FROM sync_runs WHERE id = '" + run + "' AND state = 'running'"))
                .as("the webhook was applied while the sync ran").isEqualTo(1);

        shop().faults(Faults.NONE);
        assertThat(awaitEnded(SHOP, run, Duration.ofMinutes(1)).getString("state")).isEqualTo("idle");
        assertThat(count("SELECT count(*) FROM customers WHERE shop_domain = '" + SHOP + "' AND shopify_id = " + id
                + " AND deleted_at IS NULL")).isEqualTo(1);
        assertStoreMatches(shop());
    }

    @Test
    void syncNowSucceedsOnceShopifyExportsAgainAfterASyncFailedOnFailedExports() throws Exception {
        shop().faults(Faults.NONE.withBulkFailures("INTERNAL_SERVER_ERROR", 0.0, 20));
        String run = syncNow(SHOP, "full");
        JsonPath failed = awaitEnded(SHOP, run, Duration.ofMinutes(1));
        assertThat(failed.getString("state")).isEqualTo("error");
        assertThat(failed.getString("failureReason")).contains("customers export failed");

        shop().faults(Faults.NONE);
        assertThat(syncNow(SHOP, null)).as("the failed sync is resumed").isEqualTo(run);
        assertThat(awaitEnded(SHOP, run, Duration.ofMinutes(1)).getString("state")).isEqualTo("idle");
        assertStoreMatches(shop());
    }

    @Test
    void aDownloadThatStopsDeliveringBytesIsAbandonedAndResumedFromItsCheckpoint() throws Exception {
        shop().faults(Faults.NONE.withDownloadStallAfter(50_000));
        String run = syncNow(SHOP, "full");
        assertThat(awaitEnded(SHOP, run, Duration.ofMinutes(1)).getString("state")).isEqualTo("idle");
        assertStoreMatches(shop());
    }

    @Test
    void aRowPostgresqlRefusesIsQuarantinedAndTheSyncCompletes() throws Exception {
        StoreData.Customer victim = shop().customerList().get(7);
        StoreData.Customer before = shop().customer(victim.id()).orElseThrow();
        // PostgreSQL keeps no NUL character in text or jsonb; Shopify does.
        shop().updateCustomer(victim.id(), null, null, null, "a note with a \u0000 in it", null).orElseThrow();

        String run = syncNow(SHOP, "full");
        JsonPath ended = awaitEnded(SHOP, run, Duration.ofMinutes(1));
        assertThat(ended.getString("state")).isIn("idle", "stale");
        assertThat(ended.getString("summary")).contains("1 row quarantined");

        assertThat(given().auth().oauth2(ShopAssertions.TOKEN).get("/api/shops/" + SHOP + "/dead-letters/count")
                .then().statusCode(200).extract().jsonPath().getLong("count")).isEqualTo(1);
        JsonPath letters = given().auth().oauth2(ShopAssertions.TOKEN).get("/api/shops/" + SHOP + "/dead-letters")
                .then().statusCode(200).extract().jsonPath();
        assertThat(letters.getString("items[0].topic")).isEqualTo("bulk/customers");
        assertThat(letters.getString("items[0].reason")).containsAnyOf("0x00", "Unicode", "unicode");
        assertThat(letters.getBoolean("items[0].replayable")).isFalse();
        assertThat(letters.getString("items[0].deliveryHeaders.line")).isNotBlank();
        // Everything else landed; the refused customer keeps its previous version.
        try (Connection connection = PostgresTestResource.connect()) {
            assertThat(StoreComparison.differences(connection, shop(), 10)).singleElement().asString()
                    .startsWith("customer " + victim.id() + ": expected");
        }
        assertThat(ShopAssertions.customers(SHOP).get(victim.id()).updatedAt()).isEqualTo(before.updatedAt());

        // The merchant fixes the note: the next sync brings the customer back in line.
        shop().updateCustomer(victim.id(), null, null, null, "a fixed note", null).orElseThrow();
        String next = syncNow(SHOP, null);
        assertThat(awaitEnded(SHOP, next, Duration.ofMinutes(1)).getString("summary")).doesNotContain("quarantined");
        assertStoreMatches(shop());
    }
}
