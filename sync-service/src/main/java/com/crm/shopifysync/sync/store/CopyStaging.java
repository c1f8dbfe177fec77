package com.crm.shopifysync.sync.store;

import com.crm.shopifysync.sync.store.ColumnOwnership.Column;
import java.io.IOException;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * A session's temporary staging table for one resource's rows, filled with PostgreSQL's COPY and emptied at every
 * commit. The bulk import writes a batch this way and upserts from it with the same last-write-wins statement as
 * webhooks ({@link LastWriteWinsUpsert#fromStaging}). Hand-written because the reactive client has no COPY: it goes
 * through JDBC (pgjdbc's CopyManager), on the import's worker thread. COPY of a batch costs about half of what
 * parsing it from a JSON parameter does (benchmarks/bulk.sh).
 */
public final class CopyStaging {

    private final String table;
    private final List<Column> columns;
    private final String create;
    private final String copy;

    /** A temporary staging table with the columns of {@link Sql#rowType}. */
    public CopyStaging(String table, List<Column> columns) {
        this(table, columns, "CREATE TEMP TABLE IF NOT EXISTS " + table + " (" + Sql.rowType(columns) + ") ON COMMIT DELETE ROWS");
    }

    private CopyStaging(String table, List<Column> columns, String create) {
        this.table = table;
        this.columns = columns;
        this.create = create;
        this.copy = "COPY " + table + " (shop_domain, shopify_id, " + String.join(", ", columns.stream().map(Column::name).toList())
                + ") FROM STDIN (FORMAT csv)";
    }

    /** COPY straight into a real table (rows known to be new there): no staging, no upsert. */
    public static CopyStaging direct(String table, List<Column> columns) {
        return new CopyStaging(table, columns, null);
    }

    public String table() {
        return table;
    }

    /** Copies the rows into the table (a staging table is created on first use), inside the caller's transaction. */
    public void copy(Connection connection, List<RowsDocument.Row> rows) throws SQLException {
        if (create != null) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(create);
            }
        }
        // Streamed row by row: a batch rendered whole would be a multi-megabyte string, which a small heap's
        // collector handles badly (humongous objects).
        try (Writer csv = new BufferedWriter(new OutputStreamWriter(
                new PGCopyOutputStream(connection.unwrap(PGConnection.class), copy, 1 << 16), StandardCharsets.UTF_8), 1 << 16)) {
            CsvFields fields = new CsvFields(csv);
            for (RowsDocument.Row row : rows) {
                csv.write(row.shopDomain());
                csv.write(',');
                csv.write(Long.toString(row.shopifyId()));
                for (Column column : columns) {
                    csv.write(',');
                    fields.write(row.values().get(column.name()));
                }
                csv.write('\n');
            }
        } catch (IOException e) {
            // pgjdbc reports PostgreSQL's refusal of a row as an IOException around the SQLException: that one is the reason
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof SQLException refusal) {
                    throw refusal;
                }
            }
            throw new SQLException("COPY into " + table + " failed: " + e.getMessage(), "08006", e);
        }
    }

    /**
     * CSV fields as COPY reads them: an unquoted empty field is NULL; every value is quoted, arrays as array literals.
     * Written straight into the stream, a field at a time (a payload is most of a row's bytes); timestamps are rendered
     * into a reused buffer too.
     */
    static final class CsvFields {

        private final Writer csv;
        private final char[] field = new char[1 << 14];

        CsvFields(Writer csv) {
            this.csv = csv;
        }

        void write(Object value) throws IOException {
            if (value == null) {
                return;
            }
            String text;
            if (value instanceof String string) {
                text = string;
            } else if (value instanceof OffsetDateTime timestamp) {
                if (writeTimestamp(timestamp)) {
                    return;
                }
                text = timestamp.toString();
            } else if (value instanceof List<?> list) {
                StringBuilder array = new StringBuilder("{");
                for (Object element : list) {
                    if (array.length() > 1) {
                        array.append(',');
                    }
                    array.append('"').append(String.valueOf(element).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
                }
                text = array.append('}').toString();
            } else if (value instanceof Number || value instanceof Boolean) {
                text = value.toString();
            } else {
                throw new IllegalArgumentException("no CSV form for " + value.getClass().getName());
            }
            // quoted, a quote doubled, into a reused buffer: one write per field (a payload holds hundreds of quotes)
            int length = text.length();
            if (2 * length + 2 > field.length) {
                writeLong(text);
                return;
            }
            int end = 0;
            field[end++] = '"';
            for (int i = 0; i < length; i++) {
                char c = text.charAt(i);
                if (c == '"') {
                    field[end++] = '"';
                }
                field[end++] = c;
            }
            field[end++] = '"';
            csv.write(field, 0, end);
        }

        /**
         * Writes the timestamp quoted, as {@link OffsetDateTime#toString()} renders it, without its builders and strings
         * (those were a tenth of a bulk import's allocations, two timestamps a row); false for a year beyond four digits.
         */
        private boolean writeTimestamp(OffsetDateTime timestamp) throws IOException {
            int year = timestamp.getYear();
            if (year < 0 || year > 9999) {
                return false;
            }
            int end = 0;
            field[end++] = '"';
            end = digits(year, 4, end);
            field[end++] = '-';
            end = digits(timestamp.getMonthValue(), 2, end);
            field[end++] = '-';
            end = digits(timestamp.getDayOfMonth(), 2, end);
            field[end++] = 'T';
            end = digits(timestamp.getHour(), 2, end);
            field[end++] = ':';
            end = digits(timestamp.getMinute(), 2, end);
            int second = timestamp.getSecond();
            int nano = timestamp.getNano();
            if (second > 0 || nano > 0) {
                field[end++] = ':';
                end = digits(second, 2, end);
                if (nano > 0) {
                    field[end++] = '.';
                    if (nano % 1_000_000 == 0) {
                        end = digits(nano / 1_000_000, 3, end);
                    } else if (nano % 1_000 == 0) {
                        end = digits(nano / 1_000, 6, end);
                    } else {
                        end = digits(nano, 9, end);
                    }
                }
            }
            String offset = timestamp.getOffset().getId();
            offset.getChars(0, offset.length(), field, end);
            end += offset.length();
            field[end++] = '"';
            csv.write(field, 0, end);
            return true;
        }

        /** The value's last {@code width} decimal digits, zero-padded, at {@code from}; returns where they end. */
        private int digits(int value, int width, int from) {
            for (int i = from + width - 1; i >= from; i--) {
                field[i] = (char) ('0' + value % 10);
                value /= 10;
            }
            return from + width;
        }

        /** A field larger than the buffer: written between its quotes, so no copy of it is made. */
        private void writeLong(String text) throws IOException {
            csv.write('"');
            int from = 0;
            for (int quote = text.indexOf('"'); quote >= 0; quote = text.indexOf('"', from)) {
                csv.write(text, from, quote + 1 - from);
                csv.write('"');
                from = quote + 1;
            }
            csv.write(text, from, text.length() - from);
            csv.write('"');
        }
    }
}
