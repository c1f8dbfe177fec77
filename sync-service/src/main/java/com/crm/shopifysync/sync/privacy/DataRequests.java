package com.crm.shopifysync.sync.privacy;

import com.crm.shopifysync.sync.customer.CustomerRepository;
import com.crm.shopifysync.sync.customer.CustomerView;
import com.crm.shopifysync.sync.deadletter.DeadLetterEntity;
import com.crm.shopifysync.sync.deadletter.DeadLetterRepository;
import com.crm.shopifysync.sync.order.OrderEntity;
import com.crm.shopifysync.sync.order.OrderLineItemEntity;
import com.crm.shopifysync.sync.order.OrderRepository;
import com.crm.shopifysync.sync.order.OrderView;
import com.crm.shopifysync.sync.privacy.DataRequestExport.DeadLetterAbout;
import com.crm.shopifysync.sync.store.ShopResourceKey;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * customers/data_request, read side: the shop's requests, and each one's export, read from the rows as they are when it is
 * asked for (no second copy of the personal data is kept).
 */
@ApplicationScoped
public class DataRequests {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataRequestRepository requests;
    private final CustomerRepository customers;
    private final OrderRepository orders;
    private final DeadLetterRepository deadLetters;

    public DataRequests(DataRequestRepository requests, CustomerRepository customers, OrderRepository orders,
                        DeadLetterRepository deadLetters) {
        this.requests = requests;
        this.customers = customers;
        this.orders = orders;
        this.deadLetters = deadLetters;
    }

    @WithSession
    public Uni<List<DataRequestView>> list(String shopDomain) {
        return requests.listByShop(shopDomain).map(rows -> rows.stream().map(DataRequestView::of).toList());
    }

    /**
     * The export of one of the shop's data requests; none for an unknown id or another shop's request. Its reads share one
     * snapshot (a read-only repeatable-read transaction), so a webhook applied meanwhile cannot leave an order in the
     * export without its line items, or the customer of one moment with the orders of another.
     */
    @WithTransaction
    public Uni<Optional<DataRequestExport>> export(String shopDomain, long id) {
        return Panache.getSession()
                .chain(session -> session.createNativeQuery("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").executeUpdate())
                .chain(ignored -> requests.findOfShop(shopDomain, id))
                .chain(found -> found.isEmpty() ? Uni.createFrom().item(Optional.<DataRequestExport>empty())
                        : exportOf(found.get()).map(Optional::of));
    }

    private Uni<DataRequestExport> exportOf(DataRequestEntity request) {
        String shopDomain = request.shopDomain;
        List<Long> requested = request.ordersRequested == null ? List.of() : Arrays.asList(request.ordersRequested);
        return customers.findById(new ShopResourceKey(shopDomain, request.customerId))
                .chain(customer -> orders.ofCustomer(shopDomain, request.customerId, requested)
                        .chain(rows -> orders.lineItems(shopDomain, rows.stream().map(order -> order.shopifyId).toList())
                                .chain(items -> {
                                    // the requested orders too: one whose webhook failed may be a dead letter only
                                    Set<Long> orderIds = new LinkedHashSet<>(requested);
                                    rows.forEach(order -> orderIds.add(order.shopifyId));
                                    return deadLetters.about(shopDomain, request.customerId, orderIds)
                                            .map(letters -> new DataRequestExport(DataRequestView.of(request),
                                                    customer == null ? null : CustomerView.of(customer), views(rows, items),
                                                    letters.stream().map(DataRequests::deadLetter).toList()));
                                })));
    }

    private static List<OrderView> views(List<OrderEntity> rows, List<OrderLineItemEntity> items) {
        Map<Long, List<OrderLineItemEntity>> byOrder = items.stream().collect(Collectors.groupingBy(item -> item.orderShopifyId));
        return rows.stream().map(order -> OrderView.of(order, byOrder.getOrDefault(order.shopifyId, List.of()))).toList();
    }

    private static DeadLetterAbout deadLetter(DeadLetterEntity letter) {
        return new DeadLetterAbout(String.valueOf(letter.id), letter.topic, letter.reason, letter.state, letter.firstFailedAt,
                letter.lastFailedAt, payload(letter.payload));
    }

    /** The payload as JSON when it is JSON, else as the text Shopify sent. */
    private static JsonNode payload(byte[] payload) {
        try {
            return JSON.readTree(payload);
        } catch (IOException e) {
            return TextNode.valueOf(new String(payload, StandardCharsets.UTF_8));
        }
    }
}
