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
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One shop as Shopify holds it: its customers and orders, the app's installation (a static token of a custom app, or
 * the codes and tokens of the public app's OAuth), its webhook subscriptions, its GraphQL leaky bucket, its bulk
 * operations and the faults set on it. Changes made here are the merchant's: each one returns the webhook Shopify
 * would send for it.
 */
public final class SimulatedShop {

    /** Orders older than this are invisible to an app without the read_all_orders scope. */
    public static final Duration ORDERS_WITHOUT_READ_ALL = Duration.ofDays(60);
    private static final Pattern FILTER = Pattern.compile("(updated_at|created_at):(>=|<=|>|<)'?([^'\\s]+)'?");

    /** A webhook Shopify owes the app for a change: topic, body, and when the change happened (Shopify's clock). */
    public record PendingWebhook(String topic, byte[] body, Instant triggeredAt) {
    }

    /** The webhooks Shopify sends for one change of the merchant's, in the order it sends them. */
    public record Webhooks(List<PendingWebhook> all) {

        public Webhooks {
            all = List.copyOf(all);
        }

        /** The change's main webhook (customers/update for an edit of a customer, say). */
        public PendingWebhook first() {
            return all.get(0);
        }

        public Optional<PendingWebhook> of(String topic) {
            return all.stream().filter(webhook -> webhook.topic().equals(topic)).findFirst();
        }
    }

    /**
     * How the app got onto a shop, which decides how its webhooks are signed: a custom app's static token (the
     * configured webhook secret) or the public app's OAuth (its client secret).
     */
    public enum AppInstall { STATIC_TOKEN, OAUTH }

    private static final AtomicLong NEXT_SUBSCRIPTION_ID = new AtomicLong(1_310_000_000_000L);
    private static final AtomicLong NEXT_SHOP_ID = new AtomicLong(68_000_000_000L);
    /** Data request ids are Shopify's, across shops: each request gets a larger one. */
    private static final AtomicLong NEXT_DATA_REQUEST_ID = new AtomicLong(9_000L);

    private final long id;
    private final String domain;
    private final Instant createdAt;
    private volatile String accessToken;
    private volatile Set<String> scopes;
    /** The installation the app had before the merchant uninstalled it (null: never uninstalled). */
    private volatile AppInstall uninstalled;
    private final Clock clock;
    private final AppInstallation installation;
    private final ConcurrentSkipListMap<Long, WebhookSubscription> subscriptions = new ConcurrentSkipListMap<>();
    private volatile boolean appLevelWebhooks = true;
    private Random webhookDrops;
    private double webhookDropFraction;
    private final AtomicLong droppedWebhooks = new AtomicLong();
    private final ConcurrentSkipListMap<Long, Customer> customers = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<Long, Order> orders = new ConcurrentSkipListMap<>();
    private final LeakyBucket bucket;
    private final AtomicLong nextCustomerId;
    private final AtomicLong nextOrderId;
    private final AtomicLong nextOrderNumber;
    private final Random random;
    private volatile Faults faults = Faults.NONE;
    private volatile Duration clockOffset = Duration.ZERO;
    private volatile String webhookApiVersion = AdminSchema.VERSION;
    private final Map<String, RecordedExport> recordedExports = new java.util.concurrent.ConcurrentHashMap<>();
    /** Bulk queries the shop runs at once, instead of the API version's limit (0: the version's). */
    private volatile int bulkOperationLimit;

    /** A JSONL file served as the result of every bulk query of one root field (benchmarks: a million rows). */
    public record RecordedExport(java.nio.file.Path file, long rootObjects, long objects) {
    }

    public SimulatedShop(String domain, String accessToken, Set<String> scopes, StoreGenerator.Store store, Clock clock, long seed) {
        this.id = NEXT_SHOP_ID.addAndGet(13);
        this.domain = domain;
        this.createdAt = clock.instant();
        this.accessToken = accessToken;
        this.scopes = Set.copyOf(scopes);
        this.clock = clock;
        this.installation = new AppInstallation(clock);
        this.bucket = new LeakyBucket(2000, 100);
        store.customers().forEach(customer -> customers.put(customer.id(), customer));
        store.orders().forEach(order -> orders.put(order.id(), order));
        this.nextCustomerId = new AtomicLong(StoreGenerator.CUSTOMER_ID_BASE + 10L * (store.customers().size() + 1) * 7);
        this.nextOrderId = new AtomicLong(StoreGenerator.ORDER_ID_BASE + 20L * (store.orders().size() + 1) * 11);
        this.nextOrderNumber = new AtomicLong(store.orders().size() + 1L);
        this.random = new Random(seed ^ 0x5DEECE66DL);
    }

    /** The shop's numeric id ({@code shop_id} in compliance webhooks, {@code gid://shopify/Shop/{id}} in GraphQL). */
    public long id() {
        return id;
    }

    public String domain() {
        return domain;
    }

    /** The custom app's static token (null for a shop that gets its tokens through OAuth). */
    public String accessToken() {
        return accessToken;
    }

    /** The installation's scopes: the static token's, or what the merchant granted through OAuth. */
    public Set<String> scopes() {
        return accessToken != null ? scopes : Set.copyOf(installation.grantedScopes());
    }

    /** Whether the app can call this shop: it has a static token or OAuth issued a token. */
    public boolean installed() {
        return accessToken != null || installation.hasIssuedTokens();
    }

    /** Whether the app's tokens here came from OAuth (its webhooks are then signed with the app's client secret). */
    public boolean installedThroughOAuth() {
        return installation.hasIssuedTokens();
    }

    /** The app's installation now, or the one it had when the merchant uninstalled it; empty if it never was installed. */
    public Optional<AppInstall> lastInstall() {
        if (accessToken != null) {
            return Optional.of(AppInstall.STATIC_TOKEN);
        }
        if (installation.hasIssuedTokens()) {
            return Optional.of(AppInstall.OAUTH);
        }
        return Optional.ofNullable(uninstalled);
    }

    /**
     * The merchant uninstalls the app: the static token and every OAuth token are revoked, and the app's webhook
     * subscriptions deleted. Returns the installation that ended, or empty if the app was not installed.
     */
    synchronized Optional<AppInstall> uninstall() {
        Optional<AppInstall> current = installed() ? lastInstall() : Optional.empty();
        current.ifPresent(install -> {
            uninstalled = install;
            accessToken = null;
            installation.revoke();
            subscriptions.clear();
        });
        return current;
    }

    /** The app is installed (again) with a custom app's static token and these scopes; false if it is installed. */
    synchronized boolean installStaticToken(String token, Set<String> grantedScopes) {
        if (installed()) {
            return false;
        }
        accessToken = token;
        scopes = Set.copyOf(grantedScopes);
        return true;
    }

    /** Whether {@code token} is a valid access token of this shop (the static one, or an unexpired OAuth one). */
    public boolean authorizes(String token) {
        return token != null && (token.equals(accessToken) || installation.authorizes(token));
    }

    /** Every access token OAuth issued for this shop expires now (tests: the app must refresh). */
    public void expireAccessTokens() {
        installation.expireAccessTokens();
    }

    /** How many refresh grants this shop's token endpoint has answered (lost responses included). */
    public long tokenRefreshes() {
        return installation.refreshes();
    }

    AppInstallation installation() {
        return installation;
    }

    // ---- webhook subscriptions and deliveries ----

    /**
     * Whether the app's webhooks of this shop go to the simulator's gateway URL whatever the topic, as app-specific
     * subscriptions do: true for shops made from a {@code ShopSpec} with a token (the setup before OAuth).
     */
    public boolean appLevelWebhooks() {
        return appLevelWebhooks;
    }

    public void appLevelWebhooks(boolean enabled) {
        this.appLevelWebhooks = enabled;
    }

    /** The shop-specific subscriptions made through the Admin API, oldest first. */
    public List<WebhookSubscription> webhookSubscriptions() {
        return List.copyOf(subscriptions.values());
    }

    public Optional<WebhookSubscription> webhookSubscription(long id) {
        return Optional.ofNullable(subscriptions.get(id));
    }

    /** Shopify deletes a subscription: its topic's webhooks no longer reach that address. */
    public boolean deleteWebhookSubscription(long id) {
        return subscriptions.remove(id) != null;
    }

    /** Shopify deletes every subscription of a topic ({@code orders/create} or {@code ORDERS_CREATE}); returns them. */
    public List<WebhookSubscription> deleteWebhookSubscription(String topic) {
        String enumValue = WebhookSubscription.enumValue(topic).orElse(topic);
        List<WebhookSubscription> deleted = subscriptions.values().stream()
                .filter(subscription -> subscription.topic().equals(enumValue)).toList();
        deleted.forEach(subscription -> subscriptions.remove(subscription.id()));
        return deleted;
    }

    /** A new subscription, or empty when this topic already goes to this address ("already been taken"). */
    synchronized Optional<WebhookSubscription> addWebhookSubscription(String topic, String uri, String format,
                                                                      List<String> includeFields, String filter, String name) {
        if (subscriptions.values().stream().anyMatch(existing -> existing.topic().equals(topic) && existing.uri().equals(uri))) {
            return Optional.empty();
        }
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        WebhookSubscription subscription = new WebhookSubscription(NEXT_SUBSCRIPTION_ID.addAndGet(7), topic, uri,
                format, includeFields, filter, name, now, now);
        subscriptions.put(subscription.id(), subscription);
        return Optional.of(subscription);
    }

    /**
     * From now on each delivery (one webhook to one address) is lost with probability {@code fraction}, decided by a
     * generator seeded with {@code seed}: the same changes lose the same deliveries on every run. 0 stops it.
     */
    public synchronized void dropWebhooks(double fraction, long seed) {
        if (fraction < 0 || fraction > 1) {
            throw new IllegalArgumentException("fraction must be between 0 and 1: " + fraction);
        }
        this.webhookDropFraction = fraction;
        this.webhookDrops = new Random(seed);
    }

    /** Draws whether the next delivery is lost (counted in {@link #droppedWebhooks()}). */
    synchronized boolean dropsNextDelivery() {
        if (webhookDropFraction <= 0) {
            return false;
        }
        boolean drop = webhookDrops.nextDouble() < webhookDropFraction;
        if (drop) {
            droppedWebhooks.incrementAndGet();
        }
        return drop;
    }

    /** How many deliveries the probabilistic drop has lost. */
    public long droppedWebhooks() {
        return droppedWebhooks.get();
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

    public void useRecordedExport(String rootField, RecordedExport export) {
        recordedExports.put(rootField, export);
    }

    public Optional<RecordedExport> recordedExport(String rootField) {
        return Optional.ofNullable(recordedExports.get(rootField));
    }

    /**
     * How many bulk queries the shop runs at once whatever the API version asked for (Shopify: one before 2026-01,
     * five from then on; fewer when other apps hold some), so that one run can compare one with five; empty restores
     * the version's limit.
     */
    public void bulkOperationLimit(OptionalInt limit) {
        if (limit.isPresent() && limit.getAsInt() < 1) {
            throw new IllegalArgumentException("a shop runs at least one bulk operation at a time, not " + limit.getAsInt());
        }
        this.bulkOperationLimit = limit.orElse(0);
    }

    /** The bulk queries the shop runs at once, when set apart from the API version's limit. */
    public OptionalInt bulkOperationLimit() {
        int limit = bulkOperationLimit;
        return limit == 0 ? OptionalInt.empty() : OptionalInt.of(limit);
    }

    /** The API version the app's webhooks are rendered in: it decides what a customer webhook carries. */
    public void webhookApiVersion(String version) {
        this.webhookApiVersion = version;
    }

    public String webhookApiVersion() {
        return webhookApiVersion;
    }

    /** Shopify's clock runs this far from ours (negative: behind): the clocks of two companies never quite agree. */
    public void clockOffset(Duration offset) {
        this.clockOffset = offset;
    }

    /** Shopify's clock, in the whole seconds its timestamps carry. */
    public Instant now() {
        return clock.instant().plus(clockOffset).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
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
        if (scopes().contains("read_all_orders")) {
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

    public Webhooks createCustomer(String firstName, String lastName, String email) {
        Instant now = now();
        long id = nextCustomerId.addAndGet(7);
        Customer customer = new Customer(id, firstName, lastName, email, null, "DISABLED", List.of(), null, email != null,
                false, "USD", null, "NOT_SUBSCRIBED", "NOT_SUBSCRIBED", 0, BigDecimal.ZERO, now, now, ZoneOffset.ofHours(-5));
        customers.put(id, customer);
        return new Webhooks(List.of(webhook("customers/create", Shapes.rest(customer, webhookApiVersion))));
    }

    /**
     * The merchant edits a customer: customers/update, and since API 2025-01 (its payload carries no tags)
     * customer.tags_added and customer.tags_removed for the tags that changed.
     */
    public Optional<Webhooks> updateCustomer(long id, String firstName, String lastName, String email, String note, List<String> tags) {
        Customer existing = customers.get(id);
        if (existing == null) {
            return Optional.empty();
        }
        Customer updated = existing.withChanges(firstName == null ? existing.firstName() : firstName,
                lastName == null ? existing.lastName() : lastName, email == null ? existing.email() : email,
                note == null ? existing.note() : note, tags == null ? existing.tags() : tags, later(existing.updatedAt()));
        customers.put(id, updated);
        List<PendingWebhook> webhooks = new ArrayList<>(List.of(webhook("customers/update", Shapes.rest(updated, webhookApiVersion))));
        if (partialCustomerWebhooks()) {
            List<String> added = updated.tags().stream().filter(tag -> !existing.tags().contains(tag)).toList();
            List<String> removed = existing.tags().stream().filter(tag -> !updated.tags().contains(tag)).toList();
            if (!added.isEmpty()) {
                webhooks.add(webhook("customer.tags_added", Shapes.tagsChanged(id, added, preciseNow())));
            }
            if (!removed.isEmpty()) {
                webhooks.add(webhook("customer.tags_removed", Shapes.tagsChanged(id, removed, preciseNow())));
            }
        }
        return Optional.of(new Webhooks(webhooks));
    }

    /**
     * The customer's marketing consent changes (null: unchanged): customers/update, and since API 2025-01
     * customers_email_marketing_consent/update and customers_marketing_consent/update (SMS) for what changed.
     */
    public Optional<Webhooks> updateMarketingConsent(long id, String emailMarketingState, String smsMarketingState) {
        Customer existing = customers.get(id);
        if (existing == null) {
            return Optional.empty();
        }
        Customer updated = existing.withMarketingConsent(emailMarketingState == null ? existing.emailMarketingState() : emailMarketingState,
                smsMarketingState == null ? existing.smsMarketingState() : smsMarketingState, later(existing.updatedAt()));
        customers.put(id, updated);
        List<PendingWebhook> webhooks = new ArrayList<>(List.of(webhook("customers/update", Shapes.rest(updated, webhookApiVersion))));
        if (partialCustomerWebhooks() && emailMarketingState != null) {
            webhooks.add(webhook("customers_email_marketing_consent/update", Shapes.emailMarketingConsent(updated)));
        }
        if (partialCustomerWebhooks() && smsMarketingState != null) {
            webhooks.add(webhook("customers_marketing_consent/update", Shapes.smsMarketingConsent(updated)));
        }
        return Optional.of(new Webhooks(webhooks));
    }

    // ---- the app's lifecycle and the customers' privacy requests ----

    /** app/uninstalled, rendered while the app is still installed (its payload is the shop). */
    Webhooks appUninstalled() {
        return new Webhooks(List.of(webhook("app/uninstalled", Shapes.shop(id, domain, createdAt, createdAt))));
    }

    /** shop/redact: the app must erase what it holds of this shop. */
    public Webhooks shopRedact() {
        return new Webhooks(List.of(webhook("shop/redact", Shapes.shopRedact(id, domain))));
    }

    /** The merchant erases a customer on their request: customers/redact with every order of theirs. */
    public Optional<Webhooks> customerRedact(long customerId) {
        return customer(customerId).map(customer -> new Webhooks(List.of(webhook("customers/redact",
                Shapes.customersRedact(id, domain, customer, orderIdsOf(customerId))))));
    }

    /** A customer asks the merchant for their data: customers/data_request, with a new request id. */
    public Optional<Webhooks> customerDataRequest(long customerId) {
        return customer(customerId).map(customer -> new Webhooks(List.of(webhook("customers/data_request",
                Shapes.customersDataRequest(id, domain, customer, orderIdsOf(customerId), NEXT_DATA_REQUEST_ID.incrementAndGet())))));
    }

    /** Every order of a customer, whatever the app's scopes let it read, newest first (as Shopify lists them). */
    public List<Long> orderIdsOf(long customerId) {
        return orders.descendingMap().values().stream().filter(order -> Long.valueOf(customerId).equals(order.customerId()))
                .map(Order::id).toList();
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
        return new DeleteResult(true, null, new Webhooks(List.of(webhook("customers/delete", Shapes.restDeletion(id)))));
    }

    public record DeleteResult(boolean deleted, String error, Webhooks webhooks) {
    }

    /** An order is placed: orders/create, and since API 2025-01 customers/purchasing_summary for its customer. */
    public Optional<Webhooks> createOrder(Long customerId) {
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
        List<PendingWebhook> webhooks = new ArrayList<>(List.of(webhook("orders/create", Shapes.rest(order, buyer))));
        if (buyer != null) {
            Customer updated = buyer.withOrder(order.totalPrice(), later(buyer.updatedAt()));
            customers.put(buyer.id(), updated);
            if (partialCustomerWebhooks()) {
                webhooks.add(webhook("customers/purchasing_summary", Shapes.purchasingSummary(updated, order.id(), preciseNow())));
            }
        }
        return Optional.of(new Webhooks(webhooks));
    }

    public Optional<Webhooks> updateOrder(long id, List<String> tags, boolean cancel) {
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
        return Optional.of(new Webhooks(List.of(webhook("orders/updated", Shapes.rest(updated, buyer)))));
    }

    /** The merchant deletes an order: orders/delete (the app's copy should be kept, flagged). */
    public Optional<Webhooks> deleteOrder(long id) {
        if (orders.remove(id) == null) {
            return Optional.empty();
        }
        return Optional.of(new Webhooks(List.of(webhook("orders/delete", Shapes.restOrderDeletion(id)))));
    }

    private boolean partialCustomerWebhooks() {
        return webhookApiVersion.compareTo(Shapes.PARTIAL_CUSTOMER_WEBHOOKS) >= 0;
    }

    private PendingWebhook webhook(String topic, Object body) {
        return new PendingWebhook(topic, bytes(body), preciseNow());
    }

    /** Shopify's clock with its milliseconds, as events' times carry them; two events of this shop never share one. */
    private Instant preciseNow() {
        Instant now = clock.instant().plus(clockOffset).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        return lastEventAt.updateAndGet(last -> now.isAfter(last) ? now : last.plusMillis(1));
    }

    private final java.util.concurrent.atomic.AtomicReference<Instant> lastEventAt = new java.util.concurrent.atomic.AtomicReference<>(Instant.EPOCH);

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
