package com.crm.shopifysync.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.model.Topics;
import com.crm.shopifysync.simulator.ShopifySimulator;
import com.crm.shopifysync.simulator.ShopifySimulator.ShopSpec;
import com.crm.shopifysync.simulator.SimulatedShop;
import com.crm.shopifysync.simulator.StoreData;
import com.crm.shopifysync.simulator.WebhookDeliveries.Mode;
import com.crm.shopifysync.simulator.WebhookSubscription;
import com.crm.shopifysync.testing.KafkaBroker;
import com.crm.shopifysync.testing.MerchantBrowser;
import com.crm.shopifysync.testing.StoreComparison;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Real shops, as a merchant and Shopify meet the system: the packaged gateway and sync-service, the simulator as
 * Shopify with the public app (OAuth, expiring tokens, Admin-API webhook subscriptions delivered only where subscribed).
 * A merchant connects a shop in Chromium; a subscription Shopify deleted is re-created and what it missed caught up;
 * webhooks lost at random are healed by the scheduled reconciliation, nobody pressing Sync Now; a row removed behind
 * the service's back shows on the receipt as unexplained.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConnectedShopsIT {

    static final String TOKEN = "system-test-token";
    static final String CLIENT_ID = "system-client-id";
    static final String CLIENT_SECRET = "system-client-secret";
    static final String TOKEN_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    static final String BROWSER_SHOP = "browser-shop.myshopify.com";
    static final String QUIET_SHOP = "quiet-shop.myshopify.com";
    static final int SYNC_PORT = 18280;
    static final int GATEWAY_PORT = 18281;
    static final String DATABASE = "connected_" + Long.toString(System.currentTimeMillis(), 36);
    static final Path SCREENSHOTS = Path.of("target/screenshots/connected-shops");
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static ShopifySimulator simulator;
    static ServiceProcess syncService;
    static ServiceProcess gateway;
    static ChromeDriver browser;

    @BeforeAll
    static void startTheSystem() throws Exception {
        KafkaBroker broker = KafkaBroker.onPort(29092).ensureRunning();
        String prefix = DATABASE + ".";
        broker.createTopics(List.of(prefix + Topics.WEBHOOKS, prefix + Topics.WEBHOOKS_DLQ, prefix + Topics.WEBHOOKS_RETRY_ENTRY,
                prefix + Topics.webhooksRetry(10_000), prefix + Topics.webhooksRetry(60_000), prefix + Topics.webhooksRetry(300_000)), 6);
        BulkSyncSystem.admin("CREATE DATABASE " + DATABASE);
        // Shopify with the public app: tokens of 20 s (refreshed all along), failed deliveries retried quickly.
        simulator = new ShopifySimulator(new ShopifySimulator.Options(0, null, null, null, "2026-07", 100, 200)
                .withApp(CLIENT_ID, CLIENT_SECRET).withTokenLifetime(Duration.ofSeconds(20))).start();
        simulator.addShop(ShopSpec.notInstalled(BROWSER_SHOP, 300, 600, 11));
        simulator.addShop(ShopSpec.notInstalled(QUIET_SHOP, 400, 800, 12));

        Map<String, String> common = Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(), "TOPICS_PREFIX", prefix,
                "SHOPIFY_API_SECRET", CLIENT_SECRET);
        gateway = ServiceProcess.start("webhook-gateway", GATEWAY_PORT, common);
        Map<String, String> environment = new HashMap<>(common);
        environment.putAll(Map.of("SYNC_API_TOKENS", TOKEN, "DB_NAME", DATABASE, "SHOPIFY_API_KEY", CLIENT_ID,
                "SHOPIFY_APP_URL", "http://127.0.0.1:" + SYNC_PORT,
                "SHOPIFY_WEBHOOKS_URL", "http://127.0.0.1:" + GATEWAY_PORT + "/webhooks/shopify",
                "SHOPIFY_BASE_URL", simulator.adminUrl() + "/shops/{shop}", "SHOPIFY_TOKEN_KEYS", TOKEN_KEY,
                "SHOPIFY_SUBSCRIPTIONS_CHECK", "2s", "SHOPIFY_TOKEN_REFRESH_MARGIN", "5s", "SYNC_RECONCILE_EVERY", "40s"));
        environment.putAll(Map.of("SYNC_BULK_INITIAL_SYNC_CHECK", "1s", "SYNC_BULK_POLL_INITIAL", "100ms", "SYNC_BULK_POLL_MAXIMUM", "500ms",
                "SYNC_BULK_RECEIPT_SETTLE", "1s", "SYNC_RECEIPT_METRICS_REFRESH", "1s"));
        syncService = ServiceProcess.start("sync-service", SYNC_PORT, environment);
    }

    @AfterAll
    static void stopTheSystem() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (syncService != null) {
            syncService.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        BulkSyncSystem.admin("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
    }

    @Test
    @Order(1)
    void aMerchantConnectsAShopFromTheIntegrationsPage() throws Exception {
        startBrowser();
        browser.get("http://127.0.0.1:" + SYNC_PORT + "/integrations.html");
        visible(By.id("api-token")).sendKeys(TOKEN, Keys.ENTER);
        // the nav is drawn once the shops are read: until then the indicator does not exist
        await().atMost(Duration.ofSeconds(15)).ignoreException(org.openqa.selenium.NoSuchElementException.class)
                .until(() -> browser.findElement(By.id("sync-indicator-text")).getText().equals("No shop yet"));
        screenshot("01-no-shop-yet");

        visible(By.id("connect-shop")).sendKeys(BROWSER_SHOP);
        browser.findElement(By.id("connect-submit")).click();
        // Shopify's authorization page, on the simulator
        WebElement install = visible(By.id("install"));
        assertThat(browser.getCurrentUrl()).startsWith(simulator.baseUrl(BROWSER_SHOP) + "/admin/oauth/authorize");
        assertThat(browser.findElement(By.id("scopes")).getText()).contains("read_customers", "read_orders", "read_all_orders");
        screenshot("02-shopify-authorize");
        install.click();

        // back on the integrations page of the new shop, watching its initial sync
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.getCurrentUrl().contains("/integrations.html?shop=" + BROWSER_SHOP));
        await().atMost(Duration.ofSeconds(20)).until(() -> List.of("running", "idle").contains(indicatorState()));
        assertThat(browser.findElement(By.cssSelector("#shop-switcher option:checked")).getText()).startsWith(BROWSER_SHOP);
        screenshot("03-initial-sync");
        await().atMost(Duration.ofMinutes(2)).until(() -> indicatorState().equals("idle"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !browser.findElement(By.id("sync-receipt")).getText().equals("—"));
        assertThat(browser.findElement(By.id("sync-receipt")).getText()).startsWith("Customers 300 / 300");
        screenshot("04-synced-with-receipt");

        // Shopify holds a subscription of every topic the service handles, pointing at the gateway
        SimulatedShop shop = simulator.shop(BROWSER_SHOP).orElseThrow();
        assertThat(shop.webhookSubscriptions()).extracting(WebhookSubscription::webhookTopic).containsExactlyInAnyOrder(
                "orders/create", "orders/updated", "orders/delete", "customers/create", "customers/update", "customers/delete",
                "customer.tags_added", "customer.tags_removed", "customers/purchasing_summary", "customers_email_marketing_consent/update",
                "customers_marketing_consent/update", "app/uninstalled", "bulk_operations/finish");
        assertThat(shop.webhookSubscriptions()).extracting(WebhookSubscription::uri)
                .containsOnly("http://127.0.0.1:" + GATEWAY_PORT + "/webhooks/shopify");
        // a change in Shopify arrives through the subscription and the gateway
        StoreData.Customer customer = shop.customerList().get(0);
        simulator.deliver(shop, shop.updateCustomer(customer.id(), "Connected", null, null, null, null).orElseThrow(), Mode.NORMAL, 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> "Connected".equals(customer(BROWSER_SHOP, customer.id()).path("firstName").asText()));
    }

    @Test
    @Order(2)
    void everyPageFitsAPhone() throws Exception {
        browser.manage().window().setSize(new Dimension(390, 844));
        for (String page : List.of("/integrations.html", "/")) {
            browser.get("http://127.0.0.1:" + SYNC_PORT + page);
            await().atMost(Duration.ofSeconds(15)).until(() -> List.of("idle", "running").contains(indicatorState()));
            long overflow = (Long) ((JavascriptExecutor) browser).executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertThat(overflow).as("sideways scroll on %s at 390 px", page).isLessThanOrEqualTo(0);
            screenshot("05-phone" + page.replace('/', '-').replace(".html", ""));
        }
        browser.manage().window().setSize(new Dimension(1280, 900));
    }

    @Test
    @Order(3)
    void aSubscriptionShopifyDeletedIsRecreatedAndWhatItMissedCaughtUp() throws Exception {
        SimulatedShop shop = simulator.shop(BROWSER_SHOP).orElseThrow();
        assertThat(shop.deleteWebhookSubscription("customers/update")).hasSize(1);
        StoreData.Customer customer = shop.customerList().get(1);
        // no subscription: Shopify delivers this change nowhere
        simulator.deliver(shop, shop.updateCustomer(customer.id(), "Missed", null, null, null, null).orElseThrow(), Mode.NORMAL, 0);

        await().atMost(Duration.ofSeconds(30)).until(() -> shop.webhookSubscriptions().stream()
                .anyMatch(subscription -> subscription.webhookTopic().equals("customers/update")));
        await().atMost(Duration.ofSeconds(60)).until(() -> "Missed".equals(customer(BROWSER_SHOP, customer.id()).path("firstName").asText()));
        JsonNode status = json("/api/shops/" + BROWSER_SHOP + "/sync");
        assertThat(status.path("warnings").toString()).contains("Webhooks for customers/update were missing and have been re-created");
        // the catch-up sync ends, and its receipt adds up
        await().atMost(Duration.ofSeconds(60)).until(() -> runs(BROWSER_SHOP).stream().anyMatch(run -> run.path("trigger").asText().equals("catch-up")
                && run.path("state").asText().equals("succeeded") && run.path("receipt").path("unexplained").asLong(-1) == 0));
        assertThat(metrics()).contains("sync_webhook_subscriptions_recreated_total{topic=\"customers/update\"} 1.0");
    }

    @Test
    @Order(4)
    void webhooksLostAtRandomAreHealedByTheScheduledReconciliation() throws Exception {
        MerchantBrowser merchant = new MerchantBrowser();
        HttpResponse<String> connect = HTTP.send(HttpRequest.newBuilder(syncService.uri("/api/shops/connect"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"shop\":\"" + QUIET_SHOP + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(connect.statusCode()).isEqualTo(200);
        assertThat(merchant.get(merchant.approve(JSON.readTree(connect.body()).path("authorizeUrl").asText())).statusCode()).isEqualTo(302);
        await().atMost(Duration.ofMinutes(2)).until(() -> runs(QUIET_SHOP).size() > 0 && runs(QUIET_SHOP).get(0).path("state").asText().equals("succeeded"));

        SimulatedShop shop = simulator.shop(QUIET_SHOP).orElseThrow();
        shop.dropWebhooks(0.01, 7);
        Random random = new Random(3);
        List<StoreData.Customer> customers = shop.customerList();
        for (int change = 0; change < 500 && (change < 300 || shop.droppedWebhooks() == 0); change++) {
            StoreData.Customer customer = customers.get(random.nextInt(customers.size()));
            simulator.deliver(shop, shop.updateCustomer(customer.id(), "Changed" + change, null, null, null, null).orElseThrow(), Mode.NORMAL, 0);
        }
        assertThat(shop.droppedWebhooks()).as("webhooks Shopify lost").isPositive();
        String lastRunBefore = runs(QUIET_SHOP).get(0).path("runId").asText();

        // nobody presses Sync Now: the scheduled reconciliation (every 40 s here) brings what the lost webhooks carried
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            JsonNode latest = runs(QUIET_SHOP).get(0);
            return !latest.path("runId").asText().equals(lastRunBefore) && latest.path("trigger").asText().equals("scheduled")
                    && latest.path("state").asText().equals("succeeded") && latest.path("receipt").has("customers");
        });
        try (Connection connection = BulkSyncSystem.connect(DATABASE)) {
            assertThat(StoreComparison.differences(connection, shop, 10)).isEmpty();
        }
        assertThat(runs(QUIET_SHOP)).noneSatisfy(run -> assertThat(run.path("trigger").asText()).isEqualTo("manual"));
        assertThat(runs(QUIET_SHOP).get(0).path("receipt").path("unexplained").asLong()).isZero();
    }

    @Test
    @Order(5)
    void aRowRemovedBehindTheServicesBackIsAnUnexplainedDifference() throws Exception {
        BulkSyncSystem.execute(DATABASE, "DELETE FROM customers WHERE shop_domain = '" + QUIET_SHOP + "' AND shopify_id = "
                + "(SELECT min(shopify_id) FROM customers WHERE shop_domain = '" + QUIET_SHOP + "')");
        HttpResponse<String> syncNow = HTTP.send(HttpRequest.newBuilder(syncService.uri("/api/shops/" + QUIET_SHOP + "/sync"))
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(syncNow.statusCode()).isEqualTo(202);
        String run = JSON.readTree(syncNow.body()).path("runId").asText();

        await().atMost(Duration.ofMinutes(1)).until(() -> run.equals(json("/api/shops/" + QUIET_SHOP + "/sync").path("receipt").path("runId").asText()));
        JsonNode status = json("/api/shops/" + QUIET_SHOP + "/sync");
        assertThat(status.path("receipt").path("customers").path("unexplained").asLong()).isEqualTo(-1);
        assertThat(status.path("receipt").path("unexplained").asLong()).isEqualTo(1);
        assertThat(status.path("warnings").toString()).contains("the CRM has 399: 1 missing unexplained");
        await().atMost(Duration.ofSeconds(10)).until(() -> metrics()
                .contains("sync_receipt_unexplained_rows{resource=\"customers\",shop=\"" + QUIET_SHOP + "\"} 1.0"));
    }

    @Test
    @Order(6)
    void noTokenIsEverInALogOrAtRest() throws Exception {
        assertThat(simulator.shop(QUIET_SHOP).orElseThrow().tokenRefreshes()).as("tokens of 20 s were refreshed").isPositive();
        for (String log : List.of("target/sync-service-" + SYNC_PORT + ".log", "target/webhook-gateway-" + GATEWAY_PORT + ".log")) {
            String text = Files.readString(Path.of(log));
            assertThat(text).doesNotContain("shpat_").doesNotContain("shprt_").doesNotContain(CLIENT_SECRET);
        }
        assertThat(BulkSyncSystem.single(DATABASE, "SELECT count(*) FROM shop_credentials WHERE position(convert_to('shpat_', 'UTF8') in access_token) > 0 "
                + "OR position(convert_to('shprt_', 'UTF8') in refresh_token) > 0")).isZero();
        assertThat(BulkSyncSystem.single(DATABASE, "SELECT count(*) FROM shop_credentials")).isEqualTo(2);
    }

    static List<JsonNode> runs(String shop) throws Exception {
        JsonNode page = json("/api/shops/" + shop + "/sync/runs?size=50");
        List<JsonNode> runs = new java.util.ArrayList<>();
        page.path("items").forEach(runs::add);
        return runs;
    }

    static JsonNode customer(String shop, long id) throws Exception {
        HttpResponse<String> response = get("/api/shops/" + shop + "/customers/" + id);
        return response.statusCode() == 200 ? JSON.readTree(response.body()) : JSON.createObjectNode();
    }

    static JsonNode json(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(syncService.uri(path)).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String metrics() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(syncService.uri("/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body()
                .lines().filter(line -> !line.startsWith("#")).collect(Collectors.joining("\n"));
    }

    static void startBrowser() throws Exception {
        Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        Path driver = Path.of(System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver"));
        assertThat(chromium).as("Debian's chromium (run-tests.sh installs it)").isExecutable();
        assertThat(driver).as("Debian's chromium-driver (run-tests.sh installs it)").isExecutable();
        ChromeOptions options = new ChromeOptions().setBinary(chromium.toFile()).addArguments("--headless", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--window-size=1280,900");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile()).build(), options);
        Files.createDirectories(SCREENSHOTS);
    }

    static WebElement visible(By locator) {
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> browser.findElement(locator).isDisplayed());
        return browser.findElement(locator);
    }

    static String indicatorState() {
        try {
            return browser.findElement(By.id("sync-indicator")).getAttribute("data-state");
        } catch (RuntimeException notThereYet) {
            return "absent";
        }
    }

    static void screenshot(String name) throws Exception {
        Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }
}
