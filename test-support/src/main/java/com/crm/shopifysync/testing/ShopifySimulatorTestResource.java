package com.crm.shopifysync.testing;

import com.crm.shopifysync.simulator.ExportRate;
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
 * {@code scopes} (comma-separated; all by default); with {@code connectable} (a domain), a second shop without the app
 * installed, and the public app ({@link #CLIENT_ID}, {@link #CLIENT_SECRET}) configured on both sides, the service on a
 * fixed port so that Shopify's redirects reach it, {@code token-lifetime} (seconds) for its access tokens. Tests reach
 * the simulator through {@link #simulator()}.
 */
public class ShopifySimulatorTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String ACCESS_TOKEN = "test-shopify-access-token";
    public static final String CLIENT_ID = "test-client-id";
    public static final String CLIENT_SECRET = "test-client-secret";
    /** A test key (base64 AES-256) for the tokens of connected shops. */
    public static final String TOKEN_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static volatile int servicePort;
    private static volatile ShopifySimulator simulator;
    private static volatile SimulatedShop shop;

    private ShopSpec spec;
    private String connectable;
    private java.time.Duration tokenLifetime;
    private double objectsPerSecond;

    @Override
    public void init(Map<String, String> initArgs) {
        connectable = initArgs.get("connectable");
        // Shopify's export pace per operation (0: as fast as the simulator writes): a test that asserts operations
        // overlapping needs each to last longer than the time their starts take.
        objectsPerSecond = Double.parseDouble(initArgs.getOrDefault("objects-per-second", "0"));
        tokenLifetime = initArgs.containsKey("token-lifetime") ? java.time.Duration.ofSeconds(Long.parseLong(initArgs.get("token-lifetime")))
                : null;
        spec = new ShopSpec(initArgs.getOrDefault("shop", "bulk-test.myshopify.com"), ACCESS_TOKEN,
                initArgs.containsKey("scopes") ? Set.of(initArgs.get("scopes").split(",")) : ShopSpec.ALL_SCOPES,
                Integer.parseInt(initArgs.getOrDefault("customers", "200")), Integer.parseInt(initArgs.getOrDefault("orders", "600")),
                Long.parseLong(initArgs.getOrDefault("seed", "42")));
    }

    @Override
    public Map<String, String> start() {
        ShopifySimulator.Options options = new ShopifySimulator.Options(0, null, null, null, "2026-07", 50, 100)
                .withExportRate(ExportRate.of(objectsPerSecond));
        if (connectable != null) {
            options = options.withApp(CLIENT_ID, CLIENT_SECRET).withTokenLifetime(tokenLifetime);
        }
        simulator = new ShopifySimulator(options).start();
        shop = simulator.addShop(spec);
        Map<String, String> config = new HashMap<>();
        config.put("shopify.shops[0].domain", spec.domain());
        config.put("shopify.shops[0].admin-url", simulator.adminUrl());
        config.put("shopify.shops[0].access-token", ACCESS_TOKEN);
        if (connectable != null) {
            simulator.addShop(ShopSpec.notInstalled(connectable, spec.customers(), spec.orders(), spec.seed() + 1));
            servicePort = freePort();
            config.put("quarkus.http.test-port", Integer.toString(servicePort));
            config.put("shopify.api-key", CLIENT_ID);
            config.put("shopify.api-secret", CLIENT_SECRET);
            config.put("shopify.app-url", "http://localhost:" + servicePort);
            config.put("shopify.base-url", simulator.adminUrl() + "/shops/{shop}");
            config.put("shopify.token-keys", TOKEN_KEY);
            config.put("shopify.token-refresh-margin", "1s");
        }
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

    /** The simulator's shop of this domain. */
    public static SimulatedShop shop(String domain) {
        return simulator.shop(domain).orElseThrow();
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
