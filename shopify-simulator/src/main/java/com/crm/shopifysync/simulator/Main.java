package com.crm.shopifysync.simulator;

import com.crm.shopifysync.simulator.ShopifySimulator.Options;
import com.crm.shopifysync.simulator.ShopifySimulator.ShopSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The simulator as a program (the local demo's shops). Configured from the environment:
 * <ul>
 *   <li>SIMULATOR_PORT (8082), SIMULATOR_DATA_DIR (where bulk results are written), SIMULATOR_API_VERSION;</li>
 *   <li>SIMULATOR_GATEWAY_URL and SHOPIFY_WEBHOOK_SECRET: where app-level webhooks go and how a static-token shop's
 *       are signed;</li>
 *   <li>SIMULATOR_SHOP, SIMULATOR_ACCESS_TOKEN, SIMULATOR_CUSTOMERS, SIMULATOR_ORDERS, SIMULATOR_SEED,
 *       SIMULATOR_APP_LEVEL_WEBHOOKS (true: its webhooks also go to SIMULATOR_GATEWAY_URL without a subscription),
 *       SIMULATOR_SCOPES: a first shop, generated with the app installed under a static token;</li>
 *   <li>SIMULATOR_APP_CLIENT_ID and SIMULATOR_APP_CLIENT_SECRET: the public app merchants install through OAuth
 *       (its client secret signs OAuth redirects and the webhooks of shops installed that way);
 *       SIMULATOR_TOKEN_LIFETIME: how long its access tokens last, as an ISO-8601 duration (PT1H) or seconds
 *       (default one hour, as Shopify's expiring offline tokens);</li>
 *   <li>SIMULATOR_SHOP_REDACT_DELAY: how long after an uninstall shop/redact is sent, as an ISO-8601 duration or
 *       seconds (default 48 hours, as Shopify);</li>
 *   <li>SIMULATOR_SECOND_SHOP, SIMULATOR_SECOND_SHOP_CUSTOMERS (500), SIMULATOR_SECOND_SHOP_ORDERS (1500): a second
 *       shop, generated without the app, that a person installs through OAuth from the CRM's integrations page at
 *       {@code http://127.0.0.1:PORT/shops/{shop}};</li>
 *   <li>SIMULATOR_BULK_OBJECTS_PER_SECOND: how fast each bulk operation exports, in objects (JSONL lines) a second
 *       (default 0: no limit); SIMULATOR_BULK_GROUPED_FACTOR: the share of that rate a grouped export gets (0.5);
 *       SIMULATOR_BULK_CONCURRENT_OPERATIONS: the bulk queries each shop runs at once, whatever the API version
 *       (default: the version's, one before 2026-01 and five from then on).</li>
 * </ul>
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        Options options = new Options(Integer.parseInt(env("SIMULATOR_PORT", "8082")),
                Optional.ofNullable(System.getenv("SIMULATOR_DATA_DIR")).map(Path::of).orElse(null),
                System.getenv("SIMULATOR_GATEWAY_URL"), System.getenv("SHOPIFY_WEBHOOK_SECRET"),
                env("SIMULATOR_API_VERSION", AdminSchema.VERSION), 500, 1000)
                .withExportRate(new ExportRate(Double.parseDouble(env("SIMULATOR_BULK_OBJECTS_PER_SECOND", "0")),
                        Double.parseDouble(env("SIMULATOR_BULK_GROUPED_FACTOR", Double.toString(ExportRate.GROUPED_FACTOR)))));
        OptionalInt bulkOperationLimit = Optional.ofNullable(System.getenv("SIMULATOR_BULK_CONCURRENT_OPERATIONS"))
                .filter(value -> !value.isBlank()).map(value -> OptionalInt.of(Integer.parseInt(value.trim()))).orElse(OptionalInt.empty());
        String clientId = System.getenv("SIMULATOR_APP_CLIENT_ID");
        if (clientId != null && !clientId.isBlank()) {
            String clientSecret = env("SIMULATOR_APP_CLIENT_SECRET", null);
            if (clientSecret == null) {
                throw new IllegalStateException("SIMULATOR_APP_CLIENT_ID needs SIMULATOR_APP_CLIENT_SECRET");
            }
            options = options.withApp(clientId, clientSecret)
                    .withTokenLifetime(Optional.ofNullable(System.getenv("SIMULATOR_TOKEN_LIFETIME")).filter(value -> !value.isBlank())
                            .map(Main::duration).orElse(Options.SHOPIFY_TOKEN_LIFETIME));
        }
        options = options.withShopRedactDelay(Optional.ofNullable(System.getenv("SIMULATOR_SHOP_REDACT_DELAY"))
                .filter(value -> !value.isBlank()).map(Main::duration).orElse(Options.SHOPIFY_SHOP_REDACT_DELAY));
        ShopifySimulator simulator = new ShopifySimulator(options).start();
        long seed = Long.parseLong(env("SIMULATOR_SEED", "42"));
        String shop = System.getenv("SIMULATOR_SHOP");
        if (shop != null) {
            SimulatedShop first = simulator.addShop(new ShopSpec(shop, env("SIMULATOR_ACCESS_TOKEN", "local-dev-shopify-token"),
                    Optional.ofNullable(System.getenv("SIMULATOR_SCOPES")).map(scopes -> (Set<String>) new HashSet<>(Arrays.asList(scopes.split(","))))
                            .orElse(ShopSpec.ALL_SCOPES),
                    Integer.parseInt(env("SIMULATOR_CUSTOMERS", "5000")), Integer.parseInt(env("SIMULATOR_ORDERS", "15000")), seed));
            // false: its webhooks go only where the app subscribed them through the Admin API (as the sync-service does)
            first.appLevelWebhooks(Boolean.parseBoolean(env("SIMULATOR_APP_LEVEL_WEBHOOKS", "true")));
            first.bulkOperationLimit(bulkOperationLimit);
        }
        String secondShop = System.getenv("SIMULATOR_SECOND_SHOP");
        if (secondShop != null && !secondShop.isBlank()) {
            simulator.addShop(ShopSpec.notInstalled(secondShop, Integer.parseInt(env("SIMULATOR_SECOND_SHOP_CUSTOMERS", "500")),
                    Integer.parseInt(env("SIMULATOR_SECOND_SHOP_ORDERS", "1500")), seed + 1)).bulkOperationLimit(bulkOperationLimit);
        }
        System.out.println("Shopify simulator listening on " + simulator.adminUrl() + (shop == null ? "" : " with shop " + shop)
                + (secondShop == null ? "" : "; " + secondShop + " waits for OAuth at " + simulator.baseUrl(secondShop))
                + (options.exportRate().limited() ? "; bulk operations export " + options.exportRate().objectsPerSecond()
                        + " objects/s each (grouped: " + options.exportRate().objectsPerSecond(true) + ")" : "")
                + (bulkOperationLimit.isPresent() ? "; " + bulkOperationLimit.getAsInt() + " at a time per shop" : ""));
        Runtime.getRuntime().addShutdownHook(new Thread(simulator::close));
    }

    /** An ISO-8601 duration (PT1H) or a number of seconds. */
    static Duration duration(String value) {
        String trimmed = value.trim();
        return trimmed.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(trimmed)) : Duration.parse(trimmed);
    }

    private static String env(String name, String fallback) {
        return Optional.ofNullable(System.getenv(name)).filter(value -> !value.isBlank()).orElse(fallback);
    }
}
