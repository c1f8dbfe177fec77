package com.crm.shopifysync.gateway;

import static com.crm.shopifysync.gateway.PublishedWebhooks.header;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;

import com.crm.shopifysync.model.WebhookHeaders;
import com.crm.shopifysync.model.WebhookSignature;
import com.crm.shopifysync.testing.Fixtures;
import com.crm.shopifysync.testing.KafkaTestResource;
import com.crm.shopifysync.testing.SignedWebhook;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.ValidatableResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class ShopifyWebhookResourceTest {

    static final String SECRET = "test-secret-new";
    static final String OLD_SECRET = "test-secret-old";
    static final String SHOP = "snowdevil.myshopify.com";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    PublishedWebhooks published;

    static boolean brokerTakesEvents;

    @BeforeEach
    void readPublishedRecords() {
        published = new PublishedWebhooks(bootstrapServers);
        if (!brokerTakesEvents) {
            // The broker may have been restarted by the test before (KafkaOutageTest) and still be electing the new
            // topic's leaders: the first webhooks get 503, as Shopify would see, and are sent again, as Shopify would.
            await().atMost(Duration.ofSeconds(60)).until(() -> post(SignedWebhook.of("customers/update", SHOP,
                    Fixtures.webhook("customers/update"), SECRET)).extract().statusCode() == 200);
            brokerTakesEvents = true;
        }
    }

    @AfterEach
    void close() {
        published.close();
    }

    static ValidatableResponse post(SignedWebhook webhook) {
        return post(webhook.headers(), webhook.body());
    }

    static ValidatableResponse post(Map<String, String> headers, byte[] body) {
        return given().headers(headers).body(body).when().post("/webhooks/shopify").then();
    }

    @ParameterizedTest
    @ValueSource(strings = {"customers/create", "customers/update", "customers/delete", "orders/create", "orders/updated"})
    void documentedPayloadIsPublishedUnchangedWithItsMetadata(String topic) {
        SignedWebhook webhook = SignedWebhook.of(topic, SHOP, Fixtures.webhook(topic), SECRET);
        Instant before = Instant.now();

        post(webhook).statusCode(200);

        ConsumerRecord<String, byte[]> record = published.awaitWebhook(webhook.webhookId());
        assertThat(record.value()).isEqualTo(webhook.body());
        assertThat(header(record, WebhookHeaders.TOPIC)).isEqualTo(topic);
        assertThat(header(record, WebhookHeaders.SHOP_DOMAIN)).isEqualTo(SHOP);
        assertThat(header(record, WebhookHeaders.EVENT_ID)).isEqualTo(webhook.eventId());
        assertThat(header(record, WebhookHeaders.TRIGGERED_AT)).isEqualTo(webhook.triggeredAt());
        assertThat(header(record, WebhookHeaders.API_VERSION)).isEqualTo(SignedWebhook.API_VERSION);
        assertThat(Instant.parse(header(record, WebhookHeaders.RECEIVED_AT))).isBetween(before, Instant.now());
        String resourceId = Fixtures.webhookJson(topic).get("admin_graphql_api_id").asText().replaceAll(".*/", "");
        assertThat(record.key()).isEqualTo(SHOP + "/" + topic.substring(0, topic.indexOf('/')) + "/" + resourceId);
    }

    @Test
    void headerNamesAreCaseInsensitive() {
        SignedWebhook webhook = SignedWebhook.of("customers/update", SHOP, Fixtures.webhook("customers/update"), SECRET);
        Map<String, String> lowerCased = webhook.headers().entrySet().stream()
                .collect(Collectors.toMap(entry -> entry.getKey().toLowerCase(Locale.ROOT), Map.Entry::getValue));

        post(lowerCased, webhook.body()).statusCode(200);

        assertThat(published.awaitWebhook(webhook.webhookId()).value()).isEqualTo(webhook.body());
    }

    @Test
    void theOldSecretStillWorksDuringARotation() {
        SignedWebhook webhook = SignedWebhook.of("customers/update", SHOP, Fixtures.webhook("customers/update"), OLD_SECRET);

        post(webhook).statusCode(200);

        assertThat(published.awaitWebhook(webhook.webhookId()).value()).isEqualTo(webhook.body());
    }

    @Test
    void badSignaturesGet401WithAnEmptyBodyAndPublishNothing() {
        byte[] body = Fixtures.webhook("orders/create");
        SignedWebhook wrongSecret = SignedWebhook.of("orders/create", SHOP, body, "not-our-secret");
        SignedWebhook missing = SignedWebhook.of("orders/create", SHOP, body, SECRET).withHmac(null);
        SignedWebhook garbage = SignedWebhook.of("orders/create", SHOP, body, SECRET).withHmac("fake");
        SignedWebhook signed = SignedWebhook.of("orders/create", SHOP, body, SECRET);
        byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("\"404.95\"", "\"0.01\"").getBytes(StandardCharsets.UTF_8);
        assertThat(tampered).isNotEqualTo(body);

        for (SignedWebhook rejected : new SignedWebhook[] {wrongSecret, missing, garbage}) {
            post(rejected).statusCode(401).body(emptyString());
        }
        post(signed.headers(), tampered).statusCode(401).body(emptyString());

        // a valid delivery sent afterwards arrives; none of the rejected ones ever does
        SignedWebhook marker = SignedWebhook.of("orders/create", SHOP, body, SECRET);
        post(marker).statusCode(200);
        published.awaitWebhook(marker.webhookId());
        for (String rejectedId : new String[] {wrongSecret.webhookId(), missing.webhookId(), garbage.webhookId(), signed.webhookId()}) {
            assertThat(published.withWebhookId(rejectedId)).isEmpty();
        }
    }

    /** The mandatory compliance topics and app/uninstalled erase and disconnect: a forged one must never reach Kafka. */
    @ParameterizedTest
    @ValueSource(strings = {"customers/redact", "shop/redact", "customers/data_request", "app/uninstalled"})
    void complianceWebhooksWithABadSignatureGet401AndOnlySignedOnesArePublished(String topic) {
        byte[] body = Fixtures.webhook(topic);
        SignedWebhook forged = SignedWebhook.of(topic, SHOP, body, "not-our-secret");
        SignedWebhook unsigned = SignedWebhook.of(topic, SHOP, body, SECRET).withHmac(null);
        post(forged).statusCode(401).body(emptyString());
        post(unsigned).statusCode(401).body(emptyString());

        SignedWebhook signed = SignedWebhook.of(topic, SHOP, body, SECRET);
        post(signed).statusCode(200);
        assertThat(published.awaitWebhook(signed.webhookId()).value()).isEqualTo(body);
        assertThat(published.withWebhookId(forged.webhookId())).isEmpty();
        assertThat(published.withWebhookId(unsigned.webhookId())).isEmpty();
    }

    @Test
    void emptyBodyIsRejectedEvenWhenItsSignatureIsRight() {
        SignedWebhook empty = SignedWebhook.of("customers/update", SHOP, new byte[0], SECRET);

        post(empty).statusCode(401).body(emptyString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-Webhook-Id"})
    void aMissingRequiredHeaderGets400NamingIt(String header) {
        SignedWebhook webhook = SignedWebhook.of("customers/update", SHOP, Fixtures.webhook("customers/update"), SECRET);
        Map<String, String> headers = new java.util.LinkedHashMap<>(webhook.headers());
        headers.remove(header);

        post(headers, webhook.body()).statusCode(400).body("error", equalTo("missing header " + header));
    }

    @Test
    void anOversizedBodyGets413() throws Exception {
        byte[] huge = new byte[6 * 1024 * 1024];
        Arrays.fill(huge, (byte) ' ');
        SignedWebhook webhook = SignedWebhook.of("orders/create", SHOP, huge, SECRET);
        // Expect: 100-continue lets the client read the 413 instead of dying on the closed upload
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/webhooks/shopify"))
                .expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofByteArray(huge));
        webhook.headers().forEach(request::header);

        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(request.build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(published.withWebhookId(webhook.webhookId())).isEmpty();
    }

    @Test
    void aBodyJustUnderTheLimitIsAccepted() {
        String lineItems = ",{\"id\":1,\"title\":\"" + "x".repeat(1000) + "\"}";
        byte[] large = ("{\"id\":77,\"line_items\":[{\"id\":0}" + lineItems.repeat(4000) + "]}").getBytes(StandardCharsets.UTF_8);
        assertThat(large.length).isGreaterThan(4_000_000);
        SignedWebhook webhook = SignedWebhook.of("orders/create", SHOP, large, SECRET);

        post(webhook).statusCode(200);

        assertThat(published.awaitWebhook(webhook.webhookId()).value()).isEqualTo(large);
    }

    @Test
    void malformedJsonWithAValidSignatureIsAcceptedAsShopifySentIt() {
        byte[] malformed = "{\"id\": 5, \"email\": ".getBytes(StandardCharsets.UTF_8);
        SignedWebhook webhook = SignedWebhook.of("customers/update", SHOP, malformed, SECRET);

        post(webhook).statusCode(200);

        ConsumerRecord<String, byte[]> record = published.awaitWebhook(webhook.webhookId());
        assertThat(record.value()).isEqualTo(malformed);
        assertThat(record.key()).isEqualTo(SHOP + "/customers/5");
    }

    @Test
    void anUnknownTopicIsAcceptedAndPublished() {
        SignedWebhook webhook = SignedWebhook.of("products/update", SHOP, "{\"id\":632910392}".getBytes(StandardCharsets.UTF_8), SECRET);

        post(webhook).statusCode(200);

        assertThat(header(published.awaitWebhook(webhook.webhookId()), WebhookHeaders.TOPIC)).isEqualTo("products/update");
    }

    @Test
    void metricsCountOutcomesByReasonWithoutSecretsOrBodies() {
        SignedWebhook accepted = SignedWebhook.of("customers/update", SHOP, Fixtures.webhook("customers/update"), SECRET);
        post(accepted).statusCode(200);
        post(SignedWebhook.of("customers/update", SHOP, Fixtures.webhook("customers/update"), "wrong")).statusCode(401);

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();

        assertThat(metrics).contains("gateway_webhooks_total{outcome=\"accepted\",reason=\"none\"}")
                .contains("gateway_webhooks_total{outcome=\"rejected\",reason=\"signature_mismatch\"}")
                .contains("gateway_publish_seconds_count")
                .doesNotContain(SECRET).doesNotContain("bob@biller.com");
    }

    @Test
    void theBenchmarkBaselineIsOffUnlessEnabled() {
        given().body("{}").when().post("/benchmark/bare").then().statusCode(404);
    }

    @Test
    void readinessReportsKafka() {
        given().when().get("/q/health/ready").then().statusCode(200).body(containsString("UP"));
    }
}
