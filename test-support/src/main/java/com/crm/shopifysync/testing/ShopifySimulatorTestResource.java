package com.crm.shopifysync.testing;

import com.crm.shopifysync.simulator.ShopifySimulator;
import com.crm.shopifysync.simulator.ShopifySimulator.ShopSpec;
import com.crm.shopifysync.simulator.SimulatedShop;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Starts the Shopify simulator in the test's JVM with one generated shop and points the sync-service at it
 * ({@code shopify.shops[0].*}). Init arguments: {@code shop}, {@code customers}, {@code orders}, {@code seed},
 * {@code scopes} (comma-separated; all by default). Tests reach the simulator through {@link #simulator()}.
 */
public class ShopifySimulatorTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String ACCESS_TOKEN = "test-shopify-access-token";
    private static volatile ShopifySimulator simulator;
    private static volatile SimulatedShop shop;

    private ShopSpec spec;

    @Override
    public void init(Map<String, String> initArgs) {
        spec = new ShopSpec(initArgs.getOrDefault("shop", "bulk-test.myshopify.com"), ACCESS_TOKEN,
                initArgs.containsKey("scopes") ? Set.of(initArgs.get("scopes").split(",")) : ShopSpec.ALL_SCOPES,
                Integer.parseInt(initArgs.getOrDefault("customers", "200")), Integer.parseInt(initArgs.getOrDefault("orders", "600")),
                Long.parseLong(initArgs.getOrDefault("seed", "42")));
    }

    @Override
    public Map<String, String> start() {
        simulator = new ShopifySimulator(new ShopifySimulator.Options(0, null, null, null, "2026-07", 50, 100)).start();
        shop = simulator.addShop(spec);
        Map<String, String> config = new HashMap<>();
        config.put("shopify.shops[0].domain", spec.domain());
        config.put("shopify.shops[0].admin-url", simulator.adminUrl());
        config.put("shopify.shops[0].access-token", ACCESS_TOKEN);
        return config;
    }

    @Override
    public void stop() {
        if (simulator != null) {
            simulator.close();
        }
    }

    public static ShopifySimulator simulator() {
        return simulator;
    }

    public static SimulatedShop shop() {
        return shop;
    }
}
