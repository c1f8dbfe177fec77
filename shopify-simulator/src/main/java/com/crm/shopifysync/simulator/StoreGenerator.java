package com.crm.shopifysync.simulator;

import com.crm.shopifysync.simulator.StoreData.Address;
import com.crm.shopifysync.simulator.StoreData.Customer;
import com.crm.shopifysync.simulator.StoreData.LineItem;
import com.crm.shopifysync.simulator.StoreData.Order;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A deterministic store from a seed: the same seed, counts and clock give the same customers and orders. About a
 * tenth of the customers have no orders and a twentieth of the orders have no customer (guest checkouts); records
 * carry a mix of UTC offsets; ids are 13-digit like Shopify's.
 */
public final class StoreGenerator {

    static final long CUSTOMER_ID_BASE = 7_000_000_000_000L;
    static final long ORDER_ID_BASE = 5_000_000_000_000L;
    static final long LINE_ITEM_ID_BASE = 15_000_000_000_000L;
    private static final ZoneOffset[] OFFSETS = {ZoneOffset.UTC, ZoneOffset.ofHours(-5), ZoneOffset.ofHours(-8),
            ZoneOffset.ofHoursMinutes(5, 30), ZoneOffset.ofHours(9), ZoneOffset.ofHours(1), ZoneOffset.ofHoursMinutes(-3, -30)};
    private static final String[] FIRST = {"Ada", "Bob", "Chloé", "Dmitri", "Eun-ji", "Farah", "Gustavo", "Hana", "Ivan",
            "Jüri", "Kwame", "Lena", "Mateo", "Noor", "Oskar", "Priya", "Quinn", "Rosa", "Sven", "Tariq"};
    private static final String[] LAST = {"Lovelace", "Biller", "Dubois", "Ivanov", "Kim", "Haddad", "Silva", "Sato",
            "Petrov", "Tamm", "Mensah", "Schulz", "García", "Rahman", "Berg", "Patel", "O'Neil", "Rossi", "Nilsson", "Aziz"};
    private static final String[] PRODUCTS = {"Aviator sunglasses", "Mid-century lounger", "Wool beanie", "Trail shoes",
            "Ceramic mug", "Linen shirt", "Leather wallet", "Yoga mat"};
    private static final String[] CITIES = {"Ottawa", "Lisbon", "Osaka", "Nairobi", "Tallinn", "Pune", "Denver"};

    private StoreGenerator() {
    }

    public record Store(List<Customer> customers, List<Order> orders) {
    }

    /** {@code now} anchors the timeline: records were created over the two years before it. */
    public static Store generate(long seed, int customerCount, int orderCount, Instant now) {
        Random random = new Random(seed);
        Instant start = now.minus(Duration.ofDays(730));
        List<Customer> customers = new ArrayList<>(customerCount);
        for (int i = 0; i < customerCount; i++) {
            customers.add(customer(random, CUSTOMER_ID_BASE + i * 7L + random.nextInt(7), start, now));
        }
        List<Order> orders = new ArrayList<>(orderCount);
        // Orders go to the first 90% of customers; the rest never ordered.
        int buyers = Math.max(1, customerCount * 9 / 10);
        for (int i = 0; i < orderCount; i++) {
            int buyerIndex = customerCount == 0 || random.nextInt(20) == 0 ? -1 : random.nextInt(buyers);
            Customer buyer = buyerIndex < 0 ? null : customers.get(buyerIndex);
            Instant created = buyer == null ? between(random, start, now) : between(random, buyer.createdAt(), now);
            Order order = order(random, ORDER_ID_BASE + i * 11L + random.nextInt(11), i + 1, buyer, created, now);
            orders.add(order);
            if (buyer != null) {
                // by position: a search for the customer (indexOf) made large stores quadratic (100,000 × 300,000: 2 min)
                customers.set(buyerIndex, buyer.withOrder(order.totalPrice(), later(buyer.updatedAt(), order.createdAt())));
            }
        }
        return new Store(customers, orders);
    }

    private static Customer customer(Random random, long id, Instant start, Instant now) {
        String first = FIRST[random.nextInt(FIRST.length)];
        String last = LAST[random.nextInt(LAST.length)];
        Instant created = between(random, start, now);
        Instant updated = between(random, created, now);
        String email = random.nextInt(25) == 0 ? null : (first + "." + last + "." + id + "@example.com").toLowerCase().replace("'", "");
        Address address = random.nextInt(5) == 0 ? null : new Address(id + 3, first, last, (1 + random.nextInt(999)) + " Main Street",
                CITIES[random.nextInt(CITIES.length)], "Province", "PV", "Canada", "CA", "K2P 2L8", null);
        String phone = random.nextInt(3) == 0 ? "+1613555" + (1000 + random.nextInt(9000)) : null;
        return new Customer(id, first, last, email, phone,
                random.nextInt(4) == 0 ? "ENABLED" : "DISABLED", random.nextInt(3) == 0 ? List.of("vip") : List.of(),
                random.nextInt(6) == 0 ? "Prefers email" : null, email != null, random.nextInt(20) == 0, "USD", address,
                random.nextBoolean() ? "SUBSCRIBED" : "NOT_SUBSCRIBED", phone != null && id % 2 == 0 ? "SUBSCRIBED" : "NOT_SUBSCRIBED",
                0, BigDecimal.ZERO, created, updated, OFFSETS[random.nextInt(OFFSETS.length)]);
    }

    static Order order(Random random, long id, long number, Customer buyer, Instant created, Instant now) {
        int itemCount = 1 + random.nextInt(4);
        List<LineItem> items = new ArrayList<>(itemCount);
        BigDecimal subtotal = BigDecimal.ZERO;
        for (int j = 0; j < itemCount; j++) {
            int product = random.nextInt(PRODUCTS.length);
            BigDecimal price = BigDecimal.valueOf(500 + random.nextInt(20_000), 2);
            int quantity = 1 + random.nextInt(3);
            items.add(new LineItem(LINE_ITEM_ID_BASE + id * 4 + j, 8_000_000_000_000L + product, 9_000_000_000_000L + product * 10L,
                    PRODUCTS[product], random.nextBoolean() ? "Default" : null, "SKU-" + product, "Acme", quantity, price,
                    BigDecimal.ZERO.setScale(2)));
            subtotal = subtotal.add(price.multiply(BigDecimal.valueOf(quantity)));
        }
        BigDecimal tax = subtotal.multiply(BigDecimal.valueOf(13, 2)).setScale(2, RoundingMode.HALF_UP);
        boolean cancelled = random.nextInt(30) == 0;
        Instant updated = between(random, created, now);
        return new Order(id, number, buyer == null ? null : buyer.id(), buyer == null ? "guest." + id + "@example.com" : buyer.email(),
                cancelled ? "REFUNDED" : (random.nextInt(10) == 0 ? "PENDING" : "PAID"),
                random.nextBoolean() ? "FULFILLED" : "UNFULFILLED", "USD", subtotal.add(tax), subtotal, tax,
                BigDecimal.ZERO.setScale(2), random.nextInt(5) == 0 ? List.of("wholesale") : List.of(),
                cancelled ? "CUSTOMER" : null, created, updated, created, cancelled ? updated : null, null,
                OFFSETS[random.nextInt(OFFSETS.length)], items);
    }

    private static Instant between(Random random, Instant from, Instant to) {
        long span = Math.max(1, to.getEpochSecond() - from.getEpochSecond());
        return Instant.ofEpochSecond(from.getEpochSecond() + (long) (random.nextDouble() * span));
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
