package com.crm.shopifysync.sync.store;

import com.crm.shopifysync.sync.store.ColumnOwnership.Column;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Inserts or updates many Shopify resources of one table in a single statement:
 * <ul>
 *   <li>last write wins: a row changes only if the incoming {@code updated_at} is a later instant; on a tie (Shopify's
 *   timestamps have whole seconds), if Shopify observed it later ({@code shopify_observed_at}: X-Shopify-Triggered-At,
 *   or the bulk export's start), and then if its payload hash is greater, so every arrival order ends in the same row.
 *   Several versions of one resource in the same batch are first reduced to the winner by the same rule;</li>
 *   <li>only Shopify-owned columns are written (see {@link ColumnOwnership});</li>
 *   <li>rows carrying a {@link Deduplication} record their event as processed in the same statement, and an
 *   event already recorded changes nothing.</li>
 * </ul>
 * The rows travel as one JSON document unpacked by {@code jsonb_to_recordset}: one round trip and one plan
 * for a whole batch (a statement per row costs more than the row itself). Native SQL through the Hibernate
 * Reactive session, in the caller's transaction, because JPQL has neither {@code ON CONFLICT} nor set-returning
 * functions.
 */
public final class LastWriteWinsUpsert {

    private final List<Column> incomingColumns;
    private final String sql;

    /**
     * @param table        the resource table
     * @param shopifyOwned the columns written
     * @param extra        further values each row carries for {@code followUp} (not written to {@code table})
     * @param followUp     optional final statement run on the rows that changed: it may read the CTEs
     *                     {@code winners} (the reduced incoming rows) and {@code applied} (shop_domain, shopify_id)
     */
    public LastWriteWinsUpsert(String table, List<Column> shopifyOwned, List<Column> extra, Optional<String> followUp) {
        this.incomingColumns = Stream.concat(shopifyOwned.stream(), extra.stream()).toList();
        this.sql = build(table, shopifyOwned, Sql.incomingRows(incomingColumns), followUp);
    }

    /**
     * The same statement reading its rows from a staging table (filled by COPY, see {@link CopyStaging}) instead of a
     * JSON parameter: the bulk import's path, where a million rows make the parameter's parsing the bottleneck.
     */
    public static String fromStaging(CopyStaging staging, String table, List<Column> shopifyOwned, Optional<String> followUp) {
        // A bulk file holds each object once and no webhook events: the rows are the winners as they are, read once
        // (a CTE read twice would be materialised, and a batch of payloads spills it to disk).
        return buildStatement(table, shopifyOwned, "WITH winners AS (SELECT * FROM " + staging.table() + ") ", followUp);
    }

    public LastWriteWinsUpsert(String table, List<Column> shopifyOwned) {
        this(table, shopifyOwned, List.of(), Optional.empty());
    }

    /** The statement for these rows; none for no rows. */
    public Optional<SetStatement> statement(List<RowsDocument.Row> rows) {
        return rows.isEmpty() ? Optional.empty() : Optional.of(new SetStatement(sql, RowsDocument.of(rows, incomingColumns)));
    }

    private static String build(String table, List<Column> written, String incoming, Optional<String> followUp) {
        String ctes = incoming + ", "
                + "winners AS (SELECT DISTINCT ON (shop_domain, shopify_id) * FROM incoming WHERE " + Sql.IS_FRESH_EVENT
                + " ORDER BY shop_domain, shopify_id, shopify_updated_at DESC NULLS LAST, shopify_observed_at DESC NULLS LAST, "
                + "shopify_payload_sha256 DESC) ";
        return buildStatement(table, written, ctes, followUp);
    }

    /** The upsert of the {@code winners} CTE that {@code ctes} defines, then the optional follow-up. */
    private static String buildStatement(String table, List<Column> written, String ctes, Optional<String> followUp) {
        String names = written.stream().map(Column::name).collect(Collectors.joining(", "));
        String updates = written.stream().map(column -> column.name() + " = EXCLUDED." + column.name())
                .collect(Collectors.joining(", "));
        String upsert = "INSERT INTO " + table + " AS existing (shop_domain, shopify_id, " + names + ") "
                + "SELECT shop_domain, shopify_id, " + names + " FROM winners"
                + " ON CONFLICT (shop_domain, shopify_id) DO UPDATE SET " + updates + ", last_synced_at = now()"
                + " WHERE existing.shopify_updated_at IS NULL"
                + " OR (EXCLUDED.shopify_updated_at, coalesce(EXCLUDED.shopify_observed_at, '-infinity'), EXCLUDED.shopify_payload_sha256)"
                + " > (existing.shopify_updated_at, coalesce(existing.shopify_observed_at, '-infinity'), existing.shopify_payload_sha256)";
        return followUp
                .map(last -> ctes + ", applied AS (" + upsert + " RETURNING existing.shop_domain, existing.shopify_id) " + last)
                .orElse(ctes + upsert);
    }
}
