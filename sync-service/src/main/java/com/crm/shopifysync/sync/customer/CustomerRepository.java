package com.crm.shopifysync.sync.customer;

import static com.crm.shopifysync.sync.store.ColumnOwnership.CUSTOMER_FRESHNESS;
import static com.crm.shopifysync.sync.store.ColumnOwnership.CUSTOMER_SHOPIFY_OWNED;

import com.crm.shopifysync.sync.shopify.CustomerField;
import com.crm.shopifysync.sync.shopify.CustomerField.Group;
import com.crm.shopifysync.sync.shopify.ShopifyCustomer;
import com.crm.shopifysync.sync.shopify.ShopifyPayload;
import com.crm.shopifysync.sync.store.ColumnOwnership.Column;
import com.crm.shopifysync.sync.store.CopyStaging;
import com.crm.shopifysync.sync.store.Deduplication;
import com.crm.shopifysync.sync.store.RowsDocument;
import com.crm.shopifysync.sync.store.SetStatement;
import com.crm.shopifysync.sync.store.ShopResourceKey;
import com.crm.shopifysync.sync.store.Sql;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes customers as Shopify changes them, and reads them. Every write keeps each field group's own freshness
 * ({@link CustomerField.Group}): a payload changes only the fields it carries, and a group only when it is newer than
 * what the row holds, so that partial payloads (since API 2025-01) arriving in any order end at the newest values.
 */
@ApplicationScoped
public class CustomerRepository implements PanacheRepositoryBase<CustomerEntity, ShopResourceKey> {

    /** What every customer upsert writes: the Shopify-owned columns and their freshness. */
    public static final List<Column> WRITTEN = Stream.concat(CUSTOMER_SHOPIFY_OWNED.stream(), CUSTOMER_FRESHNESS.stream()).toList();

    private static final String UPSERT = Sql.incomingRows(WRITTEN) + ", winners AS (SELECT DISTINCT ON (shop_domain, shopify_id) * FROM incoming "
            + "WHERE " + Sql.IS_FRESH_EVENT + " ORDER BY shop_domain, shopify_id, shopify_updated_at DESC NULLS LAST, "
            + "shopify_observed_at DESC NULLS LAST, shopify_payload_sha256 DESC) " + upsertFromWinners();

    /** The bulk import's rows: COPY into this staging table, then {@link #BULK_UPSERT} from it (same rules as UPSERT). */
    public static final CopyStaging BULK_STAGING = new CopyStaging("bulk_customers", WRITTEN);
    /** A bulk file holds each customer once: its rows are the winners as they are, read once. */
    public static final String BULK_UPSERT = "WITH winners AS (SELECT * FROM " + BULK_STAGING.table() + ") " + upsertFromWinners();
    /** New customers of a bulk batch (none of them in the table yet) are copied straight in. */
    public static final CopyStaging BULK_NEW = CopyStaging.direct("customers", WRITTEN);

    private static final List<Column> DELETION = List.of(new Column("shopify_payload", "jsonb"),
            new Column("shopify_payload_sha256", "text"), new Column("deleted_at", "timestamptz"));

    /**
     * Soft delete: the row is kept and flagged. A delete that arrives before the customer itself leaves a flagged
     * placeholder, so the customer stays hidden whatever arrives later; upserts never touch {@code deleted_at}.
     */
    private static final String SOFT_DELETE = Sql.incomingRows(DELETION)
            + ", winners AS (SELECT DISTINCT ON (shop_domain, shopify_id) * FROM incoming WHERE " + Sql.IS_FRESH_EVENT
            + " ORDER BY shop_domain, shopify_id, deleted_at) "
            + "INSERT INTO customers AS existing (shop_domain, shopify_id, admin_graphql_api_id, shopify_payload, shopify_payload_sha256, deleted_at) "
            + "SELECT shop_domain, shopify_id, 'gid://shopify/Customer/' || shopify_id, shopify_payload, shopify_payload_sha256, deleted_at "
            + "FROM winners ON CONFLICT (shop_domain, shopify_id) DO UPDATE SET "
            + "deleted_at = COALESCE(existing.deleted_at, EXCLUDED.deleted_at), last_synced_at = now()";

    private static final List<Column> TAG_CHANGES = List.of(new Column("tag_versions", "jsonb"));

    /**
     * Tag events ({@code customer.tags_added}, {@code customer.tags_removed}): each tag changes when the event is newer
     * than what is known of that tag; a batch's events of one customer are folded first. A customer not known yet gets
     * a placeholder that holds the tags until its record arrives (and is listed only then).
     */
    private static final String APPLY_TAG_CHANGES = Sql.incomingRows(TAG_CHANGES)
            + ", winners AS (SELECT shop_domain, shopify_id, newer_tag_versions_agg(tag_versions) AS tag_versions FROM incoming WHERE "
            + Sql.IS_FRESH_EVENT + " GROUP BY shop_domain, shopify_id) "
            + "INSERT INTO customers AS existing (shop_domain, shopify_id, admin_graphql_api_id, shopify_payload, shopify_payload_sha256, "
            + "tag_versions, tags) SELECT shop_domain, shopify_id, 'gid://shopify/Customer/' || shopify_id, '{}', '', tag_versions, "
            + "present_tags(tag_versions) FROM winners ON CONFLICT (shop_domain, shopify_id) DO UPDATE SET "
            + "tag_versions = apply_tag_changes(tag_versions_of(existing.tag_versions, existing.tags), EXCLUDED.tag_versions, existing.tags_observed_at), "
            + "tags = present_tags(apply_tag_changes(tag_versions_of(existing.tag_versions, existing.tags), EXCLUDED.tag_versions, "
            + "existing.tags_observed_at)), "
            + "last_synced_at = now()";

    /** One group's update per group topic (consent, purchasing figures): the group's columns and its observation time. */
    private static final Map<Group, String> GROUP_UPDATES = new EnumMap<>(Group.class);

    static {
        for (Group group : List.of(Group.EMAIL_CONSENT, Group.SMS_CONSENT, Group.PURCHASING)) {
            List<String> written = Stream.concat(group.fields().stream().map(CustomerField::column), Stream.of(group.observedColumn())).toList();
            String names = String.join(", ", written);
            // A field the event does not carry is left as it is (an absent field is not a null).
            String carried = "(SELECT w.carried FROM winners w WHERE w.shop_domain = EXCLUDED.shop_domain AND w.shopify_id = EXCLUDED.shopify_id)";
            GROUP_UPDATES.put(group, Sql.incomingRows(groupColumns(group)) + ", winners AS (SELECT DISTINCT ON (shop_domain, shopify_id) * "
                    + "FROM incoming WHERE " + Sql.IS_FRESH_EVENT + " ORDER BY shop_domain, shopify_id, " + group.observedColumn() + " DESC) "
                    + "INSERT INTO customers AS existing (shop_domain, shopify_id, admin_graphql_api_id, shopify_payload, shopify_payload_sha256, "
                    + names + ") SELECT shop_domain, shopify_id, 'gid://shopify/Customer/' || shopify_id, '{}', '', " + names + " FROM winners "
                    + "ON CONFLICT (shop_domain, shopify_id) DO UPDATE SET "
                    + group.fields().stream().map(field -> field.column() + " = CASE WHEN " + carried + " @> ARRAY['" + field.column()
                            + "'] THEN EXCLUDED." + field.column() + " ELSE existing." + field.column() + " END").collect(Collectors.joining(", "))
                    + ", " + group.observedColumn() + " = EXCLUDED." + group.observedColumn() + ", last_synced_at = now() WHERE " + newer(group));
        }
    }

    /**
     * The upsert of the {@code winners} rows: each column is overwritten only when its group is newer and the payload
     * carries the field ({@code jsonb_exists_any}: an absent field is not a null); the tags take a whole set newer than
     * the last one read.
     */
    private static String upsertFromWinners() {
        String names = WRITTEN.stream().map(Column::name).collect(Collectors.joining(", "));
        List<String> sets = new ArrayList<>();
        sets.add("admin_graphql_api_id = " + ifNewer(Group.CORE, "admin_graphql_api_id"));
        for (CustomerField field : CustomerField.values()) {
            if (field.group() != Group.TAGS) {
                sets.add(field.column() + " = CASE WHEN " + newer(field.group()) + " AND jsonb_exists_any(EXCLUDED.shopify_payload, ARRAY['"
                        + String.join("', '", field.topLevelKeys()) + "']) THEN EXCLUDED." + field.column() + " ELSE existing." + field.column() + " END");
            }
        }
        sets.add("shopify_payload = " + ifNewer(Group.CORE, "shopify_payload"));
        sets.add("shopify_payload_sha256 = " + ifNewer(Group.CORE, "shopify_payload_sha256"));
        for (Group group : Group.values()) {
            if (group != Group.TAGS) {
                sets.add(group.observedColumn() + " = " + ifNewer(group, group.observedColumn()));
            }
        }
        String tagSet = "apply_tag_set(tag_versions_of(existing.tag_versions, existing.tags), EXCLUDED.tags, EXCLUDED.tags_observed_at)";
        sets.add("tag_versions = CASE WHEN " + newer(Group.TAGS) + " THEN " + tagSet + " ELSE existing.tag_versions END");
        sets.add("tags = CASE WHEN " + newer(Group.TAGS) + " THEN present_tags(" + tagSet + ") ELSE existing.tags END");
        sets.add("tags_observed_at = " + ifNewer(Group.TAGS, "tags_observed_at"));
        return "INSERT INTO customers AS existing (shop_domain, shopify_id, " + names + ") SELECT shop_domain, shopify_id, " + names
                + " FROM winners ON CONFLICT (shop_domain, shopify_id) DO UPDATE SET " + String.join(", ", sets)
                + ", last_synced_at = now() WHERE " + Stream.of(Group.values()).map(CustomerRepository::newer).collect(Collectors.joining(" OR "));
    }

    /**
     * Whether the incoming version of a group is newer than the row's: the core by updated_at, then when Shopify observed
     * it, then payload hash (a row that is only a placeholder has none); any other group by when Shopify observed it,
     * and only when the payload carries it (its time is then set).
     */
    private static String newer(Group group) {
        if (group == Group.CORE) {
            return "(existing.shopify_updated_at IS NULL OR (EXCLUDED.shopify_updated_at, coalesce(EXCLUDED.shopify_observed_at, '-infinity'), "
                    + "EXCLUDED.shopify_payload_sha256) > (existing.shopify_updated_at, coalesce(existing.shopify_observed_at, '-infinity'), "
                    + "existing.shopify_payload_sha256))";
        }
        String observed = group.observedColumn();
        return "(EXCLUDED." + observed + " IS NOT NULL AND (existing." + observed + " IS NULL OR EXCLUDED." + observed + " > existing."
                + observed + "))";
    }

    private static String ifNewer(Group group, String column) {
        return "CASE WHEN " + newer(group) + " THEN EXCLUDED." + column + " ELSE existing." + column + " END";
    }

    /** The upsert of these customers (each group: last write wins); none for no rows. */
    public static Optional<SetStatement> upsert(List<RowsDocument.Row> customers) {
        return statement(UPSERT, customers, WRITTEN);
    }

    /** The soft delete of these customers. */
    public static Optional<SetStatement> softDelete(List<RowsDocument.Row> deletions) {
        return statement(SOFT_DELETE, deletions, DELETION);
    }

    /** The tag events ({@link #tagChanges}). */
    public static Optional<SetStatement> applyTagChanges(List<RowsDocument.Row> changes) {
        return statement(APPLY_TAG_CHANGES, changes, TAG_CHANGES);
    }

    /** One group's topic events ({@link #groupUpdate}). */
    public static Optional<SetStatement> updateGroup(Group group, List<RowsDocument.Row> updates) {
        return statement(GROUP_UPDATES.get(group), updates, groupColumns(group));
    }

    /** A group topic's row: the group's columns, its observation time, and which of its fields the payload carried. */
    private static List<Column> groupColumns(Group group) {
        return Stream.concat(group.fields().stream().map(field -> new Column(field.column(), field.sqlType())),
                Stream.of(new Column(group.observedColumn(), "timestamptz"), new Column("carried", "text[]"))).toList();
    }

    private static Optional<SetStatement> statement(String sql, List<RowsDocument.Row> rows, List<Column> columns) {
        return rows.isEmpty() ? Optional.empty() : Optional.of(new SetStatement(sql, RowsDocument.of(rows, columns)));
    }

    /**
     * A customer payload as a row of {@link #WRITTEN}: the fields it does not carry are null (and left alone by the
     * upsert), and each group it carries is stamped {@code observedAt}: when Shopify produced this version.
     */
    public static RowsDocument.Row row(String shopDomain, ShopifyCustomer customer, OffsetDateTime observedAt,
                                       Optional<Deduplication> deduplication) {
        Map<String, Object> values = new HashMap<>();
        values.put("admin_graphql_api_id", customer.adminGraphqlApiId());
        for (CustomerField field : CustomerField.values()) {
            values.put(field.column(), field == CustomerField.TAGS ? sorted(tags(customer)) : customer.value(field));
        }
        values.put("shopify_payload", customer.payload().json());
        values.put("shopify_payload_sha256", customer.payload().sha256());
        for (Group group : Group.values()) {
            values.put(group.observedColumn(), customer.groups().contains(group) ? observedAt : null);
        }
        values.put("tag_versions", customer.groups().contains(Group.TAGS) ? tagVersions(tags(customer), true, observedAt) : "{}");
        return new RowsDocument.Row(shopDomain, customer.shopifyId(), values, deduplication);
    }

    /** A tag event: these tags added (or removed) as of {@code at}. */
    public static RowsDocument.Row tagChanges(String shopDomain, long customerId, Collection<String> tags, boolean added,
                                              OffsetDateTime at, Deduplication deduplication) {
        return new RowsDocument.Row(shopDomain, customerId, Map.of("tag_versions", tagVersions(tags, added, at)), Optional.of(deduplication));
    }

    /** A group topic's event: the group's fields as its payload carries them, observed at {@code at}. */
    public static RowsDocument.Row groupUpdate(String shopDomain, ShopifyCustomer part, Group group, OffsetDateTime at,
                                               Deduplication deduplication) {
        Map<String, Object> values = new HashMap<>();
        group.fields().forEach(field -> values.put(field.column(), part.value(field)));
        values.put(group.observedColumn(), at);
        values.put("carried", group.fields().stream().filter(part::carries).map(CustomerField::column).toList());
        return new RowsDocument.Row(shopDomain, part.shopifyId(), values, Optional.of(deduplication));
    }

    public static RowsDocument.Row deletion(String shopDomain, long shopifyId, ShopifyPayload payload, OffsetDateTime deletedAt,
                                            Deduplication deduplication) {
        Map<String, Object> values = new HashMap<>();
        values.put("shopify_payload", payload.json());
        values.put("shopify_payload_sha256", payload.sha256());
        values.put("deleted_at", deletedAt);
        return new RowsDocument.Row(shopDomain, shopifyId, values, Optional.of(deduplication));
    }

    @SuppressWarnings("unchecked")
    private static List<String> tags(ShopifyCustomer customer) {
        return customer.value(CustomerField.TAGS) == null ? List.of() : (List<String>) customer.value(CustomerField.TAGS);
    }

    private static List<String> sorted(Collection<String> tags) {
        return List.copyOf(new TreeSet<>(tags));
    }

    /** Per-tag versions as the database keeps them ({@code tag_versions}). */
    private static String tagVersions(Collection<String> tags, boolean present, OffsetDateTime at) {
        if (tags.isEmpty()) {
            return "{}";
        }
        // Rendered by hand: a tree and a generator per row were a fifth of a bulk import's allocations (benchmarks/bulk.sh).
        String version = "{\"present\":" + present + ",\"at\":\"" + at + "\"}";
        StringBuilder versions = new StringBuilder(tags.size() * (version.length() + 16)).append('{');
        for (String tag : new LinkedHashSet<>(tags)) {
            if (versions.length() > 1) {
                versions.append(',');
            }
            versions.append('"').append(JsonStringEncoder.getInstance().quoteAsString(tag)).append("\":").append(version);
        }
        return versions.append('}').toString();
    }

    public Uni<List<CustomerEntity>> listByShop(String shopDomain, boolean includeDeleted, Page page) {
        return find(activeFilter(includeDeleted), Sort.by("shopifyId"), shopDomain).page(page).list();
    }

    public Uni<Long> countByShop(String shopDomain, boolean includeDeleted) {
        return count(activeFilter(includeDeleted), shopDomain);
    }

    /** A row whose customer record never arrived (only a partial event did) is not listed, until it arrives. */
    private static String activeFilter(boolean includeDeleted) {
        return includeDeleted ? "shopDomain = ?1 and (shopifyUpdatedAt is not null or deletedAt is not null)"
                : "shopDomain = ?1 and deletedAt is null and shopifyUpdatedAt is not null";
    }
}
