package com.crm.shopifysync.simulator;

import com.crm.shopifysync.simulator.ShopifySimulator.Options;
import com.crm.shopifysync.simulator.ShopifySimulator.ShopSpec;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;

/**
 * The simulator as a program (the local demo's shop). Configured from the environment:
 * SIMULATOR_PORT (8082), SIMULATOR_GATEWAY_URL and SHOPIFY_WEBHOOK_SECRET (where and how to sign webhooks),
 * SIMULATOR_SHOP, SIMULATOR_ACCESS_TOKEN, SIMULATOR_CUSTOMERS, SIMULATOR_ORDERS, SIMULATOR_SEED, SIMULATOR_SCOPES
 * (a first shop to generate), SIMULATOR_DATA_DIR (where bulk results are written).
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        Options options = new Options(Integer.parseInt(env("SIMULATOR_PORT", "8082")),
                Optional.ofNullable(System.getenv("SIMULATOR_DATA_DIR")).map(Path::of).orElse(null),
                System.getenv("SIMULATOR_GATEWAY_URL"), System.getenv("SHOPIFY_WEBHOOK_SECRET"),
                env("SIMULATOR_API_VERSION", AdminSchema.VERSION), 500, 1000);
        ShopifySimulator simulator = new ShopifySimulator(options).start();
        String shop = System.getenv("SIMULATOR_SHOP");
        if (shop != null) {
            simulator.addShop(new ShopSpec(shop, env("SIMULATOR_ACCESS_TOKEN", "local-dev-shopify-token"),
                    Optional.ofNullable(System.getenv("SIMULATOR_SCOPES")).map(scopes -> new HashSet<>(Arrays.asList(scopes.split(","))))
                            .map(scopes -> (java.util.Set<String>) scopes).orElse(ShopSpec.ALL_SCOPES),
                    Integer.parseInt(env("SIMULATOR_CUSTOMERS", "5000")), Integer.parseInt(env("SIMULATOR_ORDERS", "15000")),
                    Long.parseLong(env("SIMULATOR_SEED", "42"))));
        }
        System.out.println("Shopify simulator listening on " + simulator.adminUrl() + (shop == null ? "" : " with shop " + shop));
        Runtime.getRuntime().addShutdownHook(new Thread(simulator::close));
    }

    private static String env(String name, String fallback) {
        return Optional.ofNullable(System.getenv(name)).filter(value -> !value.isBlank()).orElse(fallback);
    }
}
