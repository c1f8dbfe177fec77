package com.crm.shopifysync.testing;

import com.crm.shopifysync.simulator.SimulatedShop;
import com.crm.shopifysync.simulator.StoreData;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the CRM's database holds of a shop, compared with what the simulated Shopify holds: every active customer
 * (whose record arrived: not a placeholder of a partial event) and every active visible order with its line item count. Returns the differences (none when the stores agree).
 */
public final class StoreComparison {

    private StoreComparison() {
    }

    public record CustomerFacts(String email, String firstName, String lastName, Instant updatedAt) {
    }

    public record OrderFacts(Instant updatedAt, BigDecimal totalPrice, Long customerId, long lineItems) {
    }

    /** The first differences (at most {@code limit}), each described; empty when the database matches Shopify. */
    public static List<String> differences(Connection connection, SimulatedShop shop, int limit) throws SQLException {
        Map<Long, CustomerFacts> expectedCustomers = new HashMap<>();
        for (StoreData.Customer customer : shop.customers()) {
            expectedCustomers.put(customer.id(), new CustomerFacts(customer.email(), customer.firstName(), customer.lastName(),
                    customer.updatedAt()));
        }
        Map<Long, OrderFacts> expectedOrders = new HashMap<>();
        for (StoreData.Order order : shop.visibleOrders()) {
            expectedOrders.put(order.id(), new OrderFacts(order.updatedAt(), order.totalPrice().setScale(2), order.customerId(),
                    order.lineItems().size()));
        }
        List<String> differences = new ArrayList<>();
        compare("customer", customers(connection, shop.domain()), expectedCustomers, differences);
        compare("order", orders(connection, shop.domain()), expectedOrders, differences);
        return differences.subList(0, Math.min(limit, differences.size()));
    }

    public static Map<Long, CustomerFacts> customers(Connection connection, String shop) throws SQLException {
        Map<Long, CustomerFacts> rows = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT shopify_id, email, first_name, last_name, "
                + "shopify_updated_at FROM customers WHERE shop_domain = ? AND deleted_at IS NULL AND shopify_updated_at IS NOT NULL")) {
            statement.setString(1, shop);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.put(result.getLong(1), new CustomerFacts(result.getString(2), result.getString(3), result.getString(4),
                            result.getTimestamp(5).toInstant()));
                }
            }
        }
        return rows;
    }

    public static Map<Long, OrderFacts> orders(Connection connection, String shop) throws SQLException {
        Map<Long, OrderFacts> rows = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT o.shopify_id, o.shopify_updated_at, o.total_price, "
                + "o.customer_shopify_id, (SELECT count(*) FROM order_line_items li WHERE li.shop_domain = o.shop_domain "
                + "AND li.order_shopify_id = o.shopify_id) FROM orders o WHERE o.shop_domain = ? AND o.deleted_at IS NULL")) {
            statement.setString(1, shop);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.put(result.getLong(1), new OrderFacts(result.getTimestamp(2).toInstant(), result.getBigDecimal(3).setScale(2),
                            result.getObject(4, Long.class), result.getLong(5)));
                }
            }
        }
        return rows;
    }

    private static <V> void compare(String what, Map<Long, V> actual, Map<Long, V> expected, List<String> differences) {
        expected.forEach((id, value) -> {
            if (!actual.containsKey(id)) {
                differences.add(what + " " + id + " missing: " + value);
            } else if (!actual.get(id).equals(value)) {
                differences.add(what + " " + id + ": expected " + value + " but was " + actual.get(id));
            }
        });
        actual.keySet().stream().filter(id -> !expected.containsKey(id))
                .forEach(id -> differences.add(what + " " + id + " unexpected: " + actual.get(id)));
    }
}
