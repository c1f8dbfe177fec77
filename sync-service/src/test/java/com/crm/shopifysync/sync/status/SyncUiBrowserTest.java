package com.crm.shopifysync.sync.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.simulator.Faults;
import com.crm.shopifysync.testing.KafkaTestResource;
import com.crm.shopifysync.testing.PostgresTestResource;
import com.crm.shopifysync.testing.ShopifySimulatorTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The sync UI in Debian's Chromium, against the running sync-service and the simulated Shopify: a merchant signs in,
 * sees the shop's data is stale (never synced), presses Sync Now, watches the spinner and the counter climb, gets the
 * success toast and the idle state; data 24 h old shows the red dot; Force full sync hides behind Advanced and a
 * confirmation; a sync that fails for good shows the failure toast. Screenshots of every state are saved in
 * {@code target/screenshots/}.
 */
@QuarkusTest
@TestProfile(SyncUiBrowserTest.FirstSyncByHand.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(value = ShopifySimulatorTestResource.class, initArgs = {
        @ResourceArg(name = "shop", value = SyncUiBrowserTest.SHOP),
        @ResourceArg(name = "customers", value = "12000"),
        @ResourceArg(name = "orders", value = "24000")})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SyncUiBrowserTest {

    static final String SHOP = "ui-test.myshopify.com";
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Pattern CUSTOMER_PROGRESS = Pattern.compile("Synced ([\\d,]+) / 12,000 customers");

    /** The first sync waits for Sync Now, so the test sees the never-synced shop and starts the sync itself. */
    public static class FirstSyncByHand implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sync.bulk.initial-sync-on-start", "false");
        }
    }

    static ChromeDriver browser;

    @BeforeAll
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

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    @Order(1)
    void aNeverSyncedShopShowsTheRedDotAndSyncNowClimbsToTheSuccessToast() throws Exception {
        browser.get("http://localhost:" + RestAssured.port + "/integrations.html?shop=" + SHOP);
        WebElement tokenField = visible(By.id("api-token"));
        tokenField.sendKeys("not-the-token", Keys.ENTER);
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("sign-in-error")).getText().contains("not accepted"));
        tokenField.clear();
        tokenField.sendKeys("test-api-token", Keys.ENTER);

        awaitIndicator("stale");
        assertThat(indicatorText()).isEqualTo("Data is stale");
        assertThat(text("sync-reason")).isEqualTo("No sync has completed yet");
        assertThat(browser.findElement(By.id("sync-indicator")).getAttribute("role")).isEqualTo("status");
        screenshot("01-stale-never-synced");

        browser.findElement(By.id("sync-now")).click();
        awaitIndicator("running");
        screenshot("02-running");
        List<Long> counts = new ArrayList<>();
        // samples what the page shows every 25 ms until the sync is over
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(25)).until(() -> {
            recordCustomerCounter(counts);
            return indicatorState().equals("idle");
        });
        assertThat(counts).as("the customer counter as the page showed it").isSorted();
        assertThat(counts.stream().filter(count -> count > 0 && count < 12_000).count())
                .as("distinct values while climbing: %s", counts).isGreaterThanOrEqualTo(3);

        WebElement toast = visible(By.cssSelector(".toast.success"));
        assertThat(toast.getText()).isEqualTo("Sync complete: 12,000 customers, 24,000 orders imported");
        awaitIndicator("idle");
        assertThat(indicatorText()).isEqualTo("Up to date");
        assertThat(text("customers-progress")).isEqualTo("Synced 12,000 / 12,000 customers");
        assertThat(text("orders-progress")).isEqualTo("Synced 24,000 / 24,000 orders");
        screenshot("04-complete-toast");
    }

    @Test
    @Order(2)
    void dataTwentyFourHoursOldShowsTheRedDot() throws Exception {
        awaitIndicator("idle");
        try {
            PostgresTestResource.execute("UPDATE shops SET last_successful_sync_at = now() - interval '25 hours' WHERE shop_domain = '" + SHOP + "'");
            awaitIndicator("stale");
            assertThat(text("sync-reason")).isEqualTo("No successful sync for 25 hours");
            assertThat(browser.findElement(By.id("sync-indicator")).getAttribute("title")).isEqualTo("No successful sync for 25 hours");
            screenshot("05-stale-24h");
        } finally {
            PostgresTestResource.execute("UPDATE shops SET last_successful_sync_at = now() WHERE shop_domain = '" + SHOP + "'");
        }
        awaitIndicator("idle");
    }

    @Test
    @Order(3)
    void forceFullSyncHidesBehindAdvancedAndAConfirmation() {
        WebElement force = browser.findElement(By.id("force-full-sync"));
        assertThat(force.isDisplayed()).as("Force full sync before Advanced").isFalse();
        WebElement advanced = browser.findElement(By.id("advanced-toggle"));
        advanced.sendKeys(Keys.ENTER); // keyboard, like a keyboard user
        assertThat(advanced.getAttribute("aria-expanded")).isEqualTo("true");
        assertThat(force.isDisplayed()).isTrue();
        screenshot("06-advanced");

        force.click();
        visible(By.id("confirm-full-sync"));
        screenshot("07-confirm-full-sync");
        browser.findElement(By.id("confirm-cancel")).click();
        assertThat(browser.findElement(By.id("confirm-full-sync")).isDisplayed()).isFalse();
        assertThat(indicatorState()).as("cancel starts nothing").isEqualTo("idle");

        force.click();
        visible(By.id("confirm-full-sync-button")).click();
        awaitIndicator("running");
        await().atMost(Duration.ofMinutes(3)).until(() -> text("sync-summary").equals("Sync complete: 12,000 customers, 24,000 orders imported")
                && indicatorState().equals("idle"));
        advanced.click();
        assertThat(force.isDisplayed()).isFalse();
    }

    @Test
    @Order(4)
    void aSyncThatFailsForGoodShowsTheFailureToastAndTheRedDot() {
        ShopifySimulatorTestResource.shop().faults(Faults.NONE.withBulkFailure("ACCESS_DENIED", 0.5));
        browser.findElement(By.id("sync-now")).click();
        WebElement toast = visible(By.cssSelector(".toast.failure"));
        assertThat(toast.getText()).startsWith("Sync failed:").contains("ACCESS_DENIED");
        awaitIndicator("error");
        assertThat(indicatorText()).isEqualTo("Sync failed");
        assertThat(text("sync-reason")).startsWith("The last sync failed:");
        screenshot("08-failed");

        browser.findElement(By.id("sync-now")).click(); // resumes the failed sync from its checkpoint
        awaitIndicator("idle");
    }

    /** Adds the counter's value when it changed; the first value between 0 and all gets a screenshot. */
    private static void recordCustomerCounter(List<Long> counts) {
        Matcher progress = CUSTOMER_PROGRESS.matcher(text("customers-progress"));
        if (!progress.matches()) {
            return;
        }
        long synced = Long.parseLong(progress.group(1).replace(",", ""));
        if (counts.isEmpty() || counts.get(counts.size() - 1) != synced) {
            counts.add(synced);
            if (synced > 0 && synced < 12_000 && counts.stream().filter(count -> count > 0 && count < 12_000).count() == 1) {
                screenshot("03-counter-climbing");
            }
        }
    }

    private static WebElement visible(By locator) {
        return await().atMost(Duration.ofMinutes(1)).ignoreExceptions()
                .until(() -> browser.findElement(locator), WebElement::isDisplayed);
    }

    private static void awaitIndicator(String state) {
        await().atMost(Duration.ofMinutes(3)).ignoreExceptions().until(() -> indicatorState().equals(state));
    }

    private static String indicatorState() {
        return browser.findElement(By.id("sync-indicator")).getAttribute("data-state");
    }

    private static String indicatorText() {
        return text("sync-indicator-text");
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private static void screenshot(String name) {
        try {
            Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOTS.resolve(name + ".png"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Could not save screenshot " + name, e);
        }
    }
}
