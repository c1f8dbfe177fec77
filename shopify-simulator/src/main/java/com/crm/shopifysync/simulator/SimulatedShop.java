package com.crm.shopifysync.simulator;

import com.crm.shopifysync.simulator.StoreData.Customer;
import com.crm.shopifysync.simulator.StoreData.Order;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One shop as Shopify holds it: its customers and orders, the app installation's token and scopes, its GraphQL
 * leaky bucket, its bulk operations and the faults set on it. Changes made here are the merchant's: each one
 * returns the webhook Shopify would send for it.
 */
public final class SimulatedShop {

    /** Orders older than this are invisible to an app without the read_all_orders scope. */
    public static final Duration ORDERS_WITHOUT_READ_ALL = Duration.ofDays(60);
    private static final Pattern FILTER = Pattern.compile("(updated_at|created_at):(>=|<=|>|<)'?([^'\\s]+)'?");

    /** A webhook Shopify owes the app for a change: topic and REST-shaped body. */
    public record PendingWebhook(String topic, byte[] body) {
    }

    private final String domain;
    private final String accessToken;
    private final Set<String> scopes;
    private final Clock clock;
    private final ConcurrentSkipListMap<Long, Customer> customers = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<Long, Order> orders = new ConcurrentSkipListMap<>();
    private final LeakyBucket bucket;
    private final AtomicLong nextCustomerId;
    private final AtomicLong nextOrderId;
    private final AtomicLong nextOrderNumber;
    private final Random random;
    private volatile Faults faults = Faults.NONE;
    private final Map<String, RecordedExport> recordedExports = new java.util.concurrent.ConcurrentHashMap<>();

    /** A JSONL file served as the result of every bulk query of one root field (benchmarks: a million rows). */
    public record RecordedExport(java.nio.file.Path file, long rootObjects, long objects) {
    }

    public SimulatedShop(String domain, String accessToken, Set<String> scopes, StoreGenerator.Store store, Clock clock, long seed) {
        this.domain = domain;
        this.accessToken = accessToken;
        this.scopes = Set.copyOf(scopes);
        this.clock = clock;
        this.bucket = new LeakyBucket(2000, 100);
        store.customers().forEach(customer -> customers.put(customer.id(), customer));
        store.orders().forEach(order -> orders.put(order.id(), order));
        this.nextCustomerId = new AtomicLong(StoreGenerator.CUSTOMER_ID_BASE + 10L * (store.customers().size() + 1) * 7);
        this.nextOrderId = new AtomicLong(StoreGenerator.ORDER_ID_BASE + 20L * (store.orders().size() + 1) * 11);
        this.nextOrderNumber = new AtomicLong(store.orders().size() + 1L);
        this.random = new Random(seed ^ 0x5DEECE66DL);
    }

    public String domain() {
        return domain;
    }

    public String accessToken() {
        return accessToken;
    }

    public Set<String> scopes() {
        return scopes;
    }

    public LeakyBucket bucket() {
        return bucket;
    }

    public Faults faults() {
        return faults;
    }

    public void faults(Faults faults) {
        this.faults = faults;
    }

    /** Shopify's clock, in the whole seconds its timestamps carry. */
    public void useRecordedExport(String rootField, RecordedExport export) {
        recordedExports.put(rootField, export);
    }

    public Optional<RecordedExport> recordedExport(String rootField) {
        return Optional.ofNullable(recordedExports.get(rootField));
    }

    public Instant now() {
        return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }

    // ---- reading, as the Admin API sees the shop ----

    public Collection<Customer> customers() {
        return customers.values();
    }

    public Optional<Customer> customer(long id) {
        return Optional.ofNullable(customers.get(id));
    }

    public Optional<Order> order(long id) {
        return Optional.ofNullable(orders.get(id));
    }

    /** Orders the installation may read: the last 60 days only, unless it has read_all_orders. */
    public Collection<Order> visibleOrders() {
        if (scopes.contains("read_all_orders")) {
            return orders.values();
        }
        Instant horizon = now().minus(ORDERS_WITHOUT_READ_ALL);
        return orders.values().stream().filter(order -> !order.createdAt().isBefore(horizon)).toList();
    }

    /** Customers matching a search query such as {@code updated_at:>'2026-01-01T00:00:00Z'}, in id or updated order. */
    public List<Customer> searchCustomers(String query, boolean byUpdatedAt) {
        Predicate<Customer> filter = matches(query, Customer::updatedAt, Customer::createdAt);
        Comparator<Customer> order = byUpdatedAt ? Comparator.comparing(Customer::updatedAt).thenComparing(Customer::id)
                : Comparator.comparing(Customer::id);
        return customers.values().stream().filter(filter).sorted(order).toList();
    }

    public List<Order> searchOrders(String query, boolean byUpdatedAt) {
        Predicate<Order> filter = matches(query, Order::updatedAt, Order::createdAt);
        Comparator<Order> order = byUpdatedAt ? Comparator.comparing(Order::updatedAt).thenComparing(Order::id)
                : Comparator.comparing(Order::id);
        return visibleOrders().stream().filter(filter).sorted(order).toList();
    }

    private static <T> Predicate<T> matches(String query, java.util.function.Function<T, Instant> updatedAt,
                                            java.util.function.Function<T, Instant> createdAt) {
        Predicate<T> all = record -> true;
        if (query == null) {
            return all;
        }
        Matcher matcher = FILTER.matcher(query);
        while (matcher.find()) {
            var field = matcher.group(1).equals("updated_at") ? updatedAt : createdAt;
            String operator = matcher.group(2);
            Instant bound = Instant.parse(matcher.group(3));
            all = all.and(record -> {
                int comparison = field.apply(record).compareTo(bound);
                return switch (operator) {
                    case ">" -> comparison > 0;
                    case ">=" -> comparison >= 0;
                    case "<" -> comparison < 0;
                    default -> comparison <= 0;
                };
            });
        }
        return all;
    }

    // ---- the merchant's changes, each with the webhook Shopify sends for it ----

    public PendingWebhook createCustomer(String firstName, String lastName, String email) {
        Instant now = now();
        long id = nextCustomerId.addAndGet(7);
        Customer customer = new Customer(id, firstName, lastName, email, null, "DISABLED", List.of(), null, email != null,
                false, "USD", null, "NOT_SUBSCRIBED", 0, BigDecimal.ZERO, now, now, ZoneOffset.ofHours(-5));
        customers.put(id, customer);
        return new PendingWebhook("customers/create", bytes(Shapes.rest(customer)));
    }

    public Optional<PendingWebhook> updateCustomer(long id, String firstName, String lastName, String email, String note,
                                                   List<String> tags) {
        Customer existing = customers.get(id);
        if (existing == null) {
            return Optional.empty();
        }
        Customer updated = existing.withChanges(firstName == null ? existing.firstName() : firstName,
                lastName == null ? existing.lastName() : lastName, email == null ? existing.email() : email,
                note == null ? existing.note() : note, tags == null ? existing.tags() : tags, later(existing.updatedAt()));
        customers.put(id, updated);
        return Optional.of(new PendingWebhook("customers/update", bytes(Shapes.rest(updated))));
    }

    /** Shopify refuses to delete a customer who has orders. */
    public DeleteResult deleteCustomer(long id) {
        Customer existing = customers.get(id);
        if (existing == null) {
            return new DeleteResult(false, "not found", null);
        }
        if (orders.values().stream().anyMatch(order -> Long.valueOf(id).equals(order.customerId()))) {
            return new DeleteResult(false, "Error deleting customer: customer has orders", null);
        }
        customers.remove(id);
        return new DeleteResult(true, null, new PendingWebhook("customers/delete", bytes(Shapes.restDeletion(id))));
    }

    public record DeleteResult(boolean deleted, String error, PendingWebhook webhook) {
    }

    public Optional<PendingWebhook> createOrder(Long customerId) {
        Customer buyer = customerId == null ? null : customers.get(customerId);
        if (customerId != null && buyer == null) {
            return Optional.empty();
        }
        Instant now = now();
        Order order;
        synchronized (random) {
            order = StoreGenerator.order(random, nextOrderId.addAndGet(11), nextOrderNumber.getAndIncrement(), buyer, now, now);
        }
        order = new Order(order.id(), order.number(), order.customerId(), order.email(), "PAID", "UNFULFILLED", order.currency(),
                order.totalPrice(), order.subtotalPrice(), order.totalTax(), order.totalDiscounts(), order.tags(), null, now, now, now,
                null, null, order.offset(), order.lineItems());
        orders.put(order.id(), order);
        if (buyer != null) {
            customers.put(buyer.id(), buyer.withOrder(order.totalPrice(), later(buyer.updatedAt())));
        }
        return Optional.of(new PendingWebhook("orders/create", bytes(Shapes.rest(order, buyer))));
    }

    public Optional<PendingWebhook> updateOrder(long id, List<String> tags, boolean cancel) {
        Order existing = orders.get(id);
        if (existing == null) {
            return Optional.empty();
        }
        Instant updatedAt = later(existing.updatedAt());
        Order updated = existing.withChanges(tags == null ? existing.tags() : tags,
                cancel ? "CUSTOMER" : existing.cancelReason(), cancel ? updatedAt : existing.cancelledAt(),
                cancel ? "REFUNDED" : existing.financialStatus(), updatedAt);
        orders.put(id, updated);
        Customer buyer = updated.customerId() == null ? null : customers.get(updated.customerId());
        return Optional.of(new PendingWebhook("orders/updated", bytes(Shapes.rest(updated, buyer))));
    }

    /** A change's {@code updated_at}: now, but always after the previous version's (Shopify's clock only moves on). */
    private Instant later(Instant previous) {
        Instant now = now();
        return now.isAfter(previous) ? now : previous.plusSeconds(1);
    }

    private static byte[] bytes(Object node) {
        return node.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    public List<Customer> customerList() {
        return new ArrayList<>(customers.values());
    }
}
