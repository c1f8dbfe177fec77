package com.crm.shopifysync.sync.webhook;

import com.crm.shopifysync.sync.customer.CustomerRepository;
import com.crm.shopifysync.sync.order.OrderRepository;
import com.crm.shopifysync.sync.shopify.CustomerField;
import com.crm.shopifysync.sync.webhook.WebhookChange.CustomerDeletion;
import com.crm.shopifysync.sync.webhook.WebhookChange.CustomerGroup;
import com.crm.shopifysync.sync.webhook.WebhookChange.CustomerTags;
import com.crm.shopifysync.sync.webhook.WebhookChange.CustomerUpsert;
import com.crm.shopifysync.sync.webhook.WebhookChange.OrderDeletion;
import com.crm.shopifysync.sync.webhook.WebhookChange.OrderUpsert;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import com.crm.shopifysync.sync.store.ColumnOwnership;
import com.crm.shopifysync.sync.store.Deduplication;
import com.crm.shopifysync.sync.store.Sql;
import com.crm.shopifysync.sync.store.RowsDocument;
import com.crm.shopifysync.sync.store.SetStatement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;

/**
 * Applies decoded webhooks, each change together with its de-duplication record. The changes of a Kafka poll
 * share one transaction and one statement per kind: a commit waits for the disk and a statement costs more
 * than its row, so one of each per event would cap the service far below its load.
 */
@ApplicationScoped
public class WebhookWriter {

    private final String setLockTimeout;

    /**
     * @param lockTimeout how long a webhook transaction waits for a row another transaction holds (a CRM user's
     *                    long edit, say) before it gives up and the event is retried later, freeing the partition
     */
    public WebhookWriter(@ConfigProperty(name = "sync.webhooks.lock-timeout", defaultValue = "5s") Duration lockTimeout) {
        this.setLockTimeout = "SET LOCAL lock_timeout = '" + lockTimeout.toMillis() + "ms'";
    }

    private static final List<ColumnOwnership.Column> CATCH_UP_COLUMNS = List.of(new ColumnOwnership.Column("reason", "text"));
    /** A catch-up sync asked for (SyncSchedule starts it): the shop's request, once per event. */
    private static final String REQUEST_CATCH_UP = Sql.incomingRows(CATCH_UP_COLUMNS) + " UPDATE shops SET catch_up_requested_at = now(), "
            + "catch_up_reason = incoming.reason FROM incoming WHERE shops.shop_domain = incoming.shop_domain AND " + Sql.IS_FRESH_EVENT;

    /**
     * The poll's shops, locked first and in order (lock_shop, V9): alone for those a redaction or an erasure of this poll
     * is about (every other writer of the shop, webhooks or a bulk batch, waits for it to commit and then finds the
     * redaction), shared for the others (so a redaction or erasure elsewhere waits for this poll instead of missing its
     * rows). The subquery's order is kept ({@code OFFSET 0}): two polls never take two shops' locks in opposite orders.
     */
    private static final String LOCK_SHOPS = "SELECT lock_shop(row.shop_domain, row.exclusive) FROM (SELECT * FROM "
            + "jsonb_to_recordset(CAST(CAST(:rows AS text) AS jsonb)) AS row(shop_domain text, exclusive boolean) ORDER BY shop_domain OFFSET 0) row";

    private static final List<ColumnOwnership.Column> UNINSTALL_COLUMNS = List.of(new ColumnOwnership.Column("uninstalled_at", "timestamptz"));
    /**
     * app/uninstalled: the shop is disconnected (unless connected again since), its tokens are deleted, and its running
     * sync (or one that failed since the uninstall: its token was revoked under it) ends cancelled, its lease released.
     */
    private static final String UNINSTALL = Sql.incomingRows(UNINSTALL_COLUMNS) + ", disconnected AS (UPDATE shops SET "
            + "connection_state = 'disconnected', disconnected_at = incoming.uninstalled_at, connection_problem = NULL, "
            + "revoked_token_sha256 = shops.configured_token_sha256, catch_up_requested_at = NULL, catch_up_reason = NULL "
            + "FROM incoming WHERE shops.shop_domain = incoming.shop_domain AND " + Sql.IS_FRESH_EVENT
            + " AND (shops.connected_at IS NULL OR shops.connected_at < incoming.uninstalled_at) "
            + "RETURNING shops.shop_domain, incoming.uninstalled_at), "
            + "tokens AS (DELETE FROM shop_credentials c USING disconnected d WHERE c.shop_domain = d.shop_domain) "
            + "UPDATE sync_runs r SET state = 'cancelled', finished_at = COALESCE(r.finished_at, now()), lease_owner = NULL, "
            + "lease_expires_at = NULL, failure_reason = 'the app was uninstalled' FROM disconnected d WHERE r.shop_domain = d.shop_domain "
            + "AND (r.state = 'running' OR (r.state = 'failed' AND r.finished_at >= d.uninstalled_at))";

    private static final List<ColumnOwnership.Column> REDACTION_COLUMNS = List.of(new ColumnOwnership.Column("order_ids", "bigint[]"),
            new ColumnOwnership.Column("email", "text"), new ColumnOwnership.Column("phone", "text"),
            new ColumnOwnership.Column("requested_at", "timestamptz"));
    private static final String REDACTED_ROWS = "WITH incoming AS (SELECT * FROM jsonb_to_recordset(CAST(CAST(:rows AS text) AS jsonb)) AS row("
            + Sql.rowType(REDACTION_COLUMNS) + ")) ";
    /**
     * customers/redact, in this order: the redaction is recorded (from then on the triggers of V9 strip every write of
     * the customer and its orders), the stored customer and orders are rewritten (through the same triggers), and the
     * dead letters about them go. Each is idempotent: a redelivered redaction changes nothing.
     */
    private static final List<String> REDACT_CUSTOMERS = List.of(
            Sql.incomingRows(REDACTION_COLUMNS) + ", recorded AS (INSERT INTO redacted_customers (shop_domain, customer_id, requested_at, "
                    + "orders_redacted) SELECT DISTINCT ON (shop_domain, shopify_id) shop_domain, shopify_id, requested_at, cardinality(order_ids) "
                    + "FROM incoming WHERE " + Sql.IS_FRESH_EVENT + " ORDER BY shop_domain, shopify_id, cardinality(order_ids) DESC"
                    + " ON CONFLICT (shop_domain, customer_id) DO UPDATE SET orders_redacted = GREATEST(redacted_customers.orders_redacted, "
                    + "EXCLUDED.orders_redacted)) INSERT INTO redacted_orders (shop_domain, order_id, customer_id) SELECT DISTINCT ON "
                    + "(shop_domain, order_id) shop_domain, order_id, shopify_id FROM incoming CROSS JOIN LATERAL unnest(order_ids) AS order_id "
                    + "WHERE " + Sql.IS_FRESH_EVENT + " ON CONFLICT DO NOTHING",
            REDACTED_ROWS + "UPDATE customers c SET shopify_payload = c.shopify_payload FROM incoming "
                    + "WHERE c.shop_domain = incoming.shop_domain AND c.shopify_id = incoming.shopify_id",
            REDACTED_ROWS + "UPDATE orders o SET shopify_payload = o.shopify_payload FROM incoming WHERE o.shop_domain = incoming.shop_domain "
                    + "AND (o.customer_shopify_id = incoming.shopify_id OR o.shopify_id = ANY (incoming.order_ids))",
            // by the ids its payload names; one that is not JSON by the customer's GID, id, email or phone as JSON writes them
            REDACTED_ROWS + "DELETE FROM dead_letters WHERE id IN (SELECT d.id FROM incoming JOIN dead_letters d ON d.shop_domain = incoming.shop_domain "
                    + "CROSS JOIN LATERAL payload_subjects(d.topic, d.payload) AS subject WHERE subject.customer_id = incoming.shopify_id "
                    + "OR subject.order_id = ANY (incoming.order_ids) OR (NOT subject.parsed AND ("
                    + "position(convert_to('Customer/' || incoming.shopify_id || '\"', 'UTF8') IN d.payload) > 0 "
                    + "OR " + quoted("'\"id\":' || incoming.shopify_id") + " OR " + quoted("'\"id\": ' || incoming.shopify_id")
                    + " OR (incoming.email <> '' AND position(convert_to('\"' || incoming.email || '\"', 'UTF8') IN d.payload) > 0) "
                    + "OR (incoming.phone <> '' AND position(convert_to('\"' || incoming.phone || '\"', 'UTF8') IN d.payload) > 0))))");

    /** The bytes of {@code prefix} (an SQL text expression) followed by a JSON number's end (, } or space) are in the payload. */
    private static String quoted(String prefix) {
        return "(" + java.util.stream.Stream.of(",", "}", " ").map(end -> "position(convert_to(" + prefix + " || '" + end
                + "', 'UTF8') IN d.payload) > 0").collect(java.util.stream.Collectors.joining(" OR ")) + ")";
    }

    private static final List<ColumnOwnership.Column> DATA_REQUEST_COLUMNS = List.of(new ColumnOwnership.Column("request_id", "bigint"),
            new ColumnOwnership.Column("order_ids", "bigint[]"), new ColumnOwnership.Column("requested_at", "timestamptz"));
    private static final String RECORD_DATA_REQUEST = Sql.incomingRows(DATA_REQUEST_COLUMNS) + " INSERT INTO data_requests (shop_domain, "
            + "shopify_request_id, customer_id, orders_requested, requested_at) SELECT shop_domain, request_id, shopify_id, order_ids, "
            + "requested_at FROM incoming WHERE " + Sql.IS_FRESH_EVENT + " ON CONFLICT (shop_domain, shopify_request_id) DO NOTHING";

    private static final List<ColumnOwnership.Column> ERASURE_COLUMNS = List.of(new ColumnOwnership.Column("requested_at", "timestamptz"));
    /** shop/redact: erase_shop (V9), last in the poll so that nothing the poll wrote of the shop is left. */
    private static final String ERASE_SHOPS = "SELECT erase_shop(shop_domain, requested_at) FROM jsonb_to_recordset(CAST(CAST(:rows AS text) AS jsonb)) "
            + "AS row(" + Sql.rowType(ERASURE_COLUMNS) + ")";

    private static final List<ColumnOwnership.Column> LOCK_COLUMNS = List.of(new ColumnOwnership.Column("exclusive", "boolean"));

    /**
     * The statements that apply the changes, one per kind of change. Pure CPU work (the rows become one JSON document per
     * statement): done on a worker thread, apart from the I/O. Their order does not matter: every statement settles by
     * freshness (last write wins, per field group), upserts never touch the soft-delete flag, deletions only set it.
     */
    public static List<SetStatement> prepare(List<WebhookChange> changes) {
        List<RowsDocument.Row> customerUpserts = new ArrayList<>();
        List<RowsDocument.Row> customerDeletions = new ArrayList<>();
        List<RowsDocument.Row> tagChanges = new ArrayList<>();
        Map<CustomerField.Group, List<RowsDocument.Row>> groupUpdates = new EnumMap<>(CustomerField.Group.class);
        List<RowsDocument.Row> orderUpserts = new ArrayList<>();
        List<RowsDocument.Row> orderDeletions = new ArrayList<>();
        List<RowsDocument.Row> catchUps = new ArrayList<>();
        List<RowsDocument.Row> uninstalls = new ArrayList<>();
        List<RowsDocument.Row> redactions = new ArrayList<>();
        List<RowsDocument.Row> dataRequests = new ArrayList<>();
        List<RowsDocument.Row> erasures = new ArrayList<>();
        Map<String, Boolean> locks = new java.util.TreeMap<>();
        for (WebhookChange change : changes) {
            String shop = change.delivery().shopDomain();
            Deduplication deduplication = change.deduplication();
            boolean erasing = change instanceof WebhookChange.CustomerRedaction || change instanceof WebhookChange.ShopRedaction;
            locks.merge(shop, erasing, Boolean::logicalOr);
            if (change instanceof CustomerUpsert upsert) {
                customerUpserts.add(CustomerRepository.row(shop, upsert.customer(), upsert.observedAt(), Optional.of(deduplication)));
            } else if (change instanceof CustomerDeletion deletion) {
                customerDeletions.add(CustomerRepository.deletion(shop, deletion.shopifyId(), deletion.payload(), deletion.deletedAt(),
                        deduplication));
            } else if (change instanceof CustomerTags tags) {
                tagChanges.add(CustomerRepository.tagChanges(shop, tags.customerId(), tags.tags(), tags.added(), tags.at(), deduplication));
            } else if (change instanceof CustomerGroup group) {
                groupUpdates.computeIfAbsent(group.group(), any -> new ArrayList<>())
                        .add(CustomerRepository.groupUpdate(shop, group.part(), group.group(), group.at(), deduplication));
            } else if (change instanceof OrderUpsert upsert) {
                orderUpserts.add(OrderRepository.row(shop, upsert.order(), upsert.observedAt(), Optional.of(deduplication), null));
            } else if (change instanceof OrderDeletion deletion) {
                orderDeletions.add(OrderRepository.deletion(shop, deletion.shopifyId(), deletion.payload(), deletion.deletedAt(),
                        deduplication));
            } else if (change instanceof WebhookChange.CatchUpRequested catchUp) {
                catchUps.add(new RowsDocument.Row(shop, 0, Map.of("reason", catchUp.reason()), Optional.of(deduplication)));
            } else if (change instanceof WebhookChange.AppUninstalled uninstalled) {
                uninstalls.add(new RowsDocument.Row(shop, 0, Map.of("uninstalled_at", uninstalled.at()), Optional.of(deduplication)));
            } else if (change instanceof WebhookChange.CustomerRedaction redaction) {
                redactions.add(new RowsDocument.Row(shop, redaction.customerId(), Map.of("order_ids", redaction.orderIds(),
                        "email", redaction.email(), "phone", redaction.phone(), "requested_at", redaction.requestedAt()), Optional.of(deduplication)));
            } else if (change instanceof WebhookChange.DataRequest request) {
                dataRequests.add(new RowsDocument.Row(shop, request.customerId(), Map.of("request_id", request.requestId(),
                        "order_ids", request.orderIds(), "requested_at", request.requestedAt()), Optional.of(deduplication)));
            } else if (change instanceof WebhookChange.ShopRedaction erasure) {
                erasures.add(new RowsDocument.Row(shop, 0, Map.of("requested_at", erasure.requestedAt()), Optional.empty()));
            }
            // BulkOperationFinished writes nothing: a sync waiting for the operation has been told already.
        }
        List<SetStatement> statements = new ArrayList<>();
        if (!locks.isEmpty()) {
            statements.add(SetStatement.query(LOCK_SHOPS, RowsDocument.of(locks.entrySet().stream().map(entry -> new RowsDocument.Row(
                    entry.getKey(), 0, Map.of("exclusive", entry.getValue()), Optional.<Deduplication>empty())).toList(), LOCK_COLUMNS)));
        }
        CustomerRepository.upsert(customerUpserts).ifPresent(statements::add);
        CustomerRepository.softDelete(customerDeletions).ifPresent(statements::add);
        CustomerRepository.applyTagChanges(tagChanges).ifPresent(statements::add);
        groupUpdates.forEach((group, rows) -> CustomerRepository.updateGroup(group, rows).ifPresent(statements::add));
        OrderRepository.upsert(orderUpserts).ifPresent(statements::add);
        OrderRepository.softDelete(orderDeletions).ifPresent(statements::add);
        if (!catchUps.isEmpty()) {
            statements.add(new SetStatement(REQUEST_CATCH_UP, RowsDocument.of(catchUps, CATCH_UP_COLUMNS)));
        }
        if (!uninstalls.isEmpty()) {
            statements.add(new SetStatement(UNINSTALL, RowsDocument.of(uninstalls, UNINSTALL_COLUMNS)));
        }
        if (!redactions.isEmpty()) {
            String rows = RowsDocument.of(redactions, REDACTION_COLUMNS);
            REDACT_CUSTOMERS.forEach(sql -> statements.add(new SetStatement(sql, rows)));
        }
        if (!dataRequests.isEmpty()) {
            statements.add(new SetStatement(RECORD_DATA_REQUEST, RowsDocument.of(dataRequests, DATA_REQUEST_COLUMNS)));
        }
        if (!erasures.isEmpty()) {
            statements.add(SetStatement.query(ERASE_SHOPS, RowsDocument.of(erasures, ERASURE_COLUMNS)));
        }
        return statements;
    }

    /** Runs prepared statements in one transaction. */
    @WithTransaction
    public Uni<Void> apply(List<SetStatement> statements) {
        Uni<Void> applied = Panache.getSession().chain(session -> session.createNativeQuery(setLockTimeout).executeUpdate()).replaceWithVoid();
        for (SetStatement statement : statements) {
            applied = applied.chain(() -> Panache.getSession().chain(statement::execute));
        }
        return applied;
    }
}
