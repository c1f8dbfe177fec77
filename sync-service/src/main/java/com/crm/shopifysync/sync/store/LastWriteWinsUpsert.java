package com.crm.shopifysync.sync.store;

import com.crm.shopifysync.sync.store.ColumnOwnership.Column;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * An insert-or-update of one Shopify resource, as a single atomic statement:
 * <ul>
 *   <li>last write wins: the row changes only if the incoming {@code updated_at} is a later instant, and on
 *   a tie, if its payload hash is greater, so every arrival order ends in the same row;</li>
 *   <li>only Shopify-owned columns are written (see {@link ColumnOwnership});</li>
 *   <li>with a {@link Deduplication}, the event is recorded as processed in the same statement, and an
 *   event already recorded changes nothing.</li>
 * </ul>
 * Native SQL through the Hibernate Reactive session because JPQL has no {@code ON CONFLICT}: a
 * conditional upsert is the only race-free way to apply last-write-wins in one round trip.
 */
public final class LastWriteWinsUpsert {

    private final String sql;
    private final String deduplicatedSql;
    private final List<Column> columns;

    public LastWriteWinsUpsert(String table, List<Column> shopifyOwned) {
        this.columns = shopifyOwned;
        this.sql = build(table, shopifyOwned, false);
        this.deduplicatedSql = build(table, shopifyOwned, true);
    }

    /**
     * Runs the upsert in the session's current transaction.
     *
     * @param values a value (possibly null) for every Shopify-owned column, by column name
     * @return whether the row was inserted or changed (false: an older version, a tie that loses, or a duplicate)
     */
    public io.smallrye.mutiny.Uni<Boolean> execute(Mutiny.Session session, String shopDomain, long shopifyId,
                                                   Map<String, Object> values, Optional<Deduplication> deduplication) {
        var query = session.createNativeQuery(deduplication.isPresent() ? deduplicatedSql : sql)
                .setParameter("shop_domain", shopDomain)
                .setParameter("shopify_id", shopifyId);
        for (Column column : columns) {
            if (!values.containsKey(column.name())) {
                throw new IllegalArgumentException("no value for column " + column.name());
            }
            query.setParameter(column.name(), values.get(column.name()));
        }
        deduplication.ifPresent(dedup -> query
                .setParameter("dedup_topic", dedup.topic())
                .setParameter("dedup_key", dedup.key()));
        return query.executeUpdate().map(changed -> changed > 0);
    }

    private static String build(String table, List<Column> shopifyOwned, boolean deduplicated) {
        String names = shopifyOwned.stream().map(Column::name).collect(Collectors.joining(", "));
        String values = shopifyOwned.stream()
                .map(Column::bindExpression)
                .collect(Collectors.joining(", "));
        String updates = shopifyOwned.stream()
                .map(column -> column.name() + " = EXCLUDED." + column.name())
                .collect(Collectors.joining(", "));
        String dedupPrefix = deduplicated ? Sql.DEDUPLICATION_CTE : "";
        String dedupCondition = deduplicated ? " WHERE EXISTS (SELECT 1 FROM fresh)" : "";
        return dedupPrefix
                + "INSERT INTO " + table + " AS existing (shop_domain, shopify_id, " + names + ") "
                + "SELECT CAST(:shop_domain AS text), CAST(:shopify_id AS bigint), " + values + dedupCondition
                + " ON CONFLICT (shop_domain, shopify_id) DO UPDATE SET " + updates + ", last_synced_at = now()"
                + " WHERE existing.shopify_updated_at IS NULL"
                + " OR (EXCLUDED.shopify_updated_at, EXCLUDED.shopify_payload_sha256)"
                + " > (existing.shopify_updated_at, existing.shopify_payload_sha256)";
    }
}
