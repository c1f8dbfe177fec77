package com.crm.shopifysync.sync.status;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.crm.shopifysync.testing.KafkaTestResource;
import com.crm.shopifysync.testing.PostgresTestResource;
import com.crm.shopifysync.testing.ShopifySimulatorTestResource;
import com.crm.shopifysync.testing.StatusSocketClient;
import com.crm.shopifysync.testing.StatusSocketClient.Received;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The status WebSocket as a frontend meets it, without a browser: refused without a ticket, the current status on
 * connect, then every change in order and never faster than the push interval (100 ms); stale and dead letters pushed too.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(value = ShopifySimulatorTestResource.class, initArgs = {
        @ResourceArg(name = "shop", value = SyncStatusSocketTest.SHOP),
        @ResourceArg(name = "customers", value = "8000"),
        @ResourceArg(name = "orders", value = "16000")})
class SyncStatusSocketTest {

    static final String SHOP = "status-test.myshopify.com";
    static final String TOKEN = "test-api-token";

    String baseUrl;

    @BeforeEach
    void awaitInitialSync() throws Exception {
        baseUrl = "http://localhost:" + RestAssured.port;
        try (StatusSocketClient client = StatusSocketClient.connect(baseUrl, SHOP, TOKEN)) {
            client.await(status -> "idle".equals(status.path("state").asText()), Duration.ofMinutes(3));
        }
    }

    @Test
    void connectionsWithoutAValidTicketAreRefusedBeforeTheUpgrade() throws Exception {
        String valid = StatusSocketClient.ticketPath(baseUrl, SHOP, TOKEN);
        String ticket = valid.substring(valid.indexOf("ticket=") + "ticket=".length());
        String tampered = ticket.substring(0, ticket.length() - 2) + (ticket.endsWith("AA") ? "BB" : "AA");

        for (String path : List.of("/ws/shops/" + SHOP + "/sync", "/ws/shops/" + SHOP + "/sync?ticket=",
                "/ws/shops/" + SHOP + "/sync?ticket=" + tampered, "/ws/shops/other.myshopify.com/sync?ticket=" + ticket)) {
            assertThatThrownBy(() -> StatusSocketClient.open(baseUrl, path)).as(path)
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(WebSocketHandshakeException.class)
                    .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(401));
        }
        given().post("/api/shops/" + SHOP + "/sync/tickets").then().statusCode(401);
        given().auth().oauth2("not-a-token").post("/api/shops/" + SHOP + "/sync/tickets").then().statusCode(401);
        given().auth().oauth2(TOKEN).post("/api/shops/unknown.myshopify.com/sync/tickets").then().statusCode(404);
        try (StatusSocketClient admitted = StatusSocketClient.open(baseUrl, valid)) {
            assertThat(admitted.await(status -> true, Duration.ofSeconds(10)).path("shop").asText()).isEqualTo(SHOP);
        }
    }

    @Test
    void aClientGetsTheCurrentStatusOnConnectTheSameAsTheHttpApi() throws Exception {
        JsonPath http = given().auth().oauth2(TOKEN).get("/api/shops/" + SHOP + "/sync").then().statusCode(200).extract().jsonPath();
        try (StatusSocketClient client = StatusSocketClient.connect(baseUrl, SHOP, TOKEN)) {
            JsonNode first = client.await(status -> true, Duration.ofSeconds(5));
            assertThat(first.path("state").asText()).isEqualTo(http.getString("state")).isEqualTo("idle");
            assertThat(first.path("runId").asText()).isEqualTo(http.getString("runId"));
            assertThat(first.path("summary").asText()).isEqualTo("Sync complete: 8,000 customers, 16,000 orders imported");
            assertThat(first.path("customers").path("synced").asLong()).isEqualTo(8_000);
            assertThat(first.path("lastSuccessfulSyncAt").asText()).isEqualTo(http.getString("lastSuccessfulSyncAt"));
            assertThat(first.path("deadLetterCount").asLong()).isEqualTo(http.getLong("deadLetterCount"));
        }
    }

    @Test
    void everyOneOfManyClientsConnectingAtOnceGetsTheCurrentStatusAndThoseLeftGetTheNextOne() throws Exception {
        // Connected at once from 8 threads (so over the server's event loops): some may start a read, some join while
        // it runs or after it sent. Then half of them leave, and those left get the next change, in order.
        int clients = 200;
        ExecutorService connecting = Executors.newFixedThreadPool(8);
        List<StatusSocketClient> connected = new ArrayList<>();
        try {
            List<Future<StatusSocketClient>> connects = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                connects.add(connecting.submit(() -> StatusSocketClient.connect(baseUrl, SHOP, TOKEN)));
            }
            for (Future<StatusSocketClient> connect : connects) {
                connected.add(connect.get(30, TimeUnit.SECONDS));
            }
            long deadLetters = -1;
            for (StatusSocketClient client : connected) {
                JsonNode first = client.await(status -> true, Duration.ofSeconds(10));
                assertThat(first.path("state").asText()).isEqualTo("idle");
                deadLetters = first.path("deadLetterCount").asLong();
            }
            connected.subList(0, clients / 2).forEach(StatusSocketClient::close);
            long before = deadLetters;
            PostgresTestResource.execute("INSERT INTO dead_letters (shop_domain, topic, deduplication_key, payload, delivery_headers, reason, attempts, "
                    + "dead_letter_position, first_failed_at, last_failed_at) VALUES ('" + SHOP + "', 'orders/create', 'status-test-many', "
                    + "'{}'::bytea, '{}'::jsonb, 'unmappable payload', 1, 'p0@2', now(), now())");
            for (StatusSocketClient client : connected.subList(clients / 2, clients)) {
                client.await(status -> status.path("deadLetterCount").asLong() == before + 1, Duration.ofSeconds(10));
                List<Long> counts = client.received().stream().map(received -> received.status().path("deadLetterCount").asLong()).toList();
                assertThat(counts).as("statuses in the order they changed").isSorted();
            }
        } finally {
            connecting.shutdownNow();
            connected.forEach(StatusSocketClient::close);
            PostgresTestResource.execute("DELETE FROM dead_letters WHERE deduplication_key = 'status-test-many'");
        }
    }

    @Test
    void aSyncStreamsOrderedThrottledProgressToEveryClientThenTheSummary() throws Exception {
        try (StatusSocketClient first = StatusSocketClient.connect(baseUrl, SHOP, TOKEN);
             StatusSocketClient second = StatusSocketClient.connect(baseUrl, SHOP, TOKEN)) {
            first.await(status -> true, Duration.ofSeconds(5));
            String runId = given().auth().oauth2(TOKEN).queryParam("mode", "full").post("/api/shops/" + SHOP + "/sync")
                    .then().statusCode(202).extract().jsonPath().getString("runId");
            JsonNode done = first.await(status -> runId.equals(status.path("runId").asText()) && !"running".equals(status.path("state").asText()),
                    Duration.ofMinutes(3));
            assertThat(done.path("state").asText()).isEqualTo("idle");
            assertThat(done.path("summary").asText()).isEqualTo("Sync complete: 8,000 customers, 16,000 orders imported");
            second.await(status -> done.equals(status), Duration.ofSeconds(5));

            List<Received> ofRun = first.received().stream().filter(r -> runId.equals(r.status().path("runId").asText())).toList();
            List<Long> synced = ofRun.stream().map(r -> r.status().path("customers").path("synced").asLong()
                    + r.status().path("orders").path("synced").asLong()).toList();
            assertThat(synced).as("rows synced, in the order received").isSorted();
            assertThat(synced.stream().filter(rows -> rows > 0 && rows < 24_000).distinct().count())
                    .as("distinct progress values while running").isGreaterThanOrEqualTo(3);
            for (int i = 1; i < ofRun.size(); i++) {
                assertThat(ofRun.get(i).status()).as("a status is pushed only when it changed").isNotEqualTo(ofRun.get(i - 1).status());
            }
            long elapsed = ofRun.get(ofRun.size() - 1).receivedAtMillis() - ofRun.get(0).receivedAtMillis();
            assertThat(ofRun.size()).as("pushes in %d ms, at most one per 100 ms", elapsed).isLessThanOrEqualTo((int) (elapsed / 100) + 2);
            assertThat(second.received().stream().filter(r -> runId.equals(r.status().path("runId").asText())).map(Received::status).toList())
                    .as("every client gets the same sequence").isEqualTo(ofRun.stream().map(Received::status).toList());
        }
    }

    @Test
    void aShopWithoutASuccessfulSyncFor24HoursTurnsStaleWithoutAnyOtherChange() throws Exception {
        try (StatusSocketClient client = StatusSocketClient.connect(baseUrl, SHOP, TOKEN)) {
            client.await(status -> "idle".equals(status.path("state").asText()), Duration.ofSeconds(5));
            // Three seconds short of stale: the change itself pushes an idle status; only the clock makes it stale.
            PostgresTestResource.execute("UPDATE shops SET last_successful_sync_at = now() - interval '24 hours' + interval '3 seconds' WHERE shop_domain = '" + SHOP + "'");
            JsonNode stale = client.await(status -> "stale".equals(status.path("state").asText()), Duration.ofSeconds(15));
            assertThat(stale.path("reason").asText()).isEqualTo("No successful sync for 24 hours");
            assertThat(given().auth().oauth2(TOKEN).get("/api/shops/" + SHOP + "/sync").then().extract().jsonPath().getString("state"))
                    .isEqualTo("stale");
        } finally {
            PostgresTestResource.execute("UPDATE shops SET last_successful_sync_at = now() WHERE shop_domain = '" + SHOP + "'");
        }
    }

    @Test
    void aNewDeadLetterReachesConnectedClients() throws Exception {
        try (StatusSocketClient client = StatusSocketClient.connect(baseUrl, SHOP, TOKEN)) {
            long before = client.await(status -> true, Duration.ofSeconds(5)).path("deadLetterCount").asLong();
            PostgresTestResource.execute("INSERT INTO dead_letters (shop_domain, topic, deduplication_key, payload, delivery_headers, reason, attempts, "
                    + "dead_letter_position, first_failed_at, last_failed_at) VALUES ('" + SHOP + "', 'orders/create', 'status-test-1', "
                    + "'{}'::bytea, '{}'::jsonb, 'unmappable payload', 1, 'p0@1', now(), now())");
            JsonNode after = client.await(status -> status.path("deadLetterCount").asLong() == before + 1, Duration.ofSeconds(5));
            assertThat(after.path("shop").asText()).isEqualTo(SHOP);
        } finally {
            PostgresTestResource.execute("DELETE FROM dead_letters WHERE deduplication_key = 'status-test-1'");
        }
    }
}
