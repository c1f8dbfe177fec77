package com.crm.shopifysync.sync.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import com.crm.shopifysync.sync.shopify.ShopifyOrder;
import com.crm.shopifysync.testing.Fixtures;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * How a bulk file becomes batches, without a database: a real Shopify export (orders each followed by their line
 * items, slashes escaped as Shopify escapes them) and the same lines in the order Shopify may use since 2026-01.
 */
class BulkFileReaderTest {

    private static final String ORDERS = new String(Fixtures.bulk("orders-lineitems.jsonl"), StandardCharsets.UTF_8);

    /** Records every batch; line items it is asked to attach late join as if their order held this export's version. */
    private static final class RecordingWriter implements Function<BulkBatch, BulkWriter.Applied> {
        final List<BulkBatch> batches = new ArrayList<>();
        final Set<Long> ordersWritten = new HashSet<>();

        @Override
        public synchronized BulkWriter.Applied apply(BulkBatch batch) {
            batches.add(batch);
            batch.rows().forEach(row -> ordersWritten.add(row.shopifyId()));
            Set<Long> attached = new HashSet<>();
            batch.lateItems().forEach((order, items) -> {
                if (ordersWritten.contains(order)) {
                    items.forEach(item -> attached.add(item.shopifyId()));
                }
            });
            return new BulkWriter.Applied(attached, 0, 0);
        }

        long lineItemsWith(BulkBatch batch) {
            return batch.lineItems().values().stream().mapToLong(List::size).sum();
        }
    }

    private static BulkFileReader reader(RecordingWriter writer, int batchLines) {
        return reader(writer, new BulkFileReader.BatchLimit(batchLines, Long.MAX_VALUE));
    }

    private static BulkFileReader reader(RecordingWriter writer, BulkFileReader.BatchLimit limit) {
        return new BulkFileReader(UUID.randomUUID(), "test", "hcdev.myshopify.com", BulkQueries.Resource.ORDERS, 0,
                "gid://shopify/BulkOperation/1", java.time.OffsetDateTime.parse("2026-01-01T00:00:00Z"), false, limit, writer);
    }

    @Test
    void aGroupedExportKeepsEveryOrderWithItsLineItemsWhereverTheBatchesEnd() throws Exception {
        RecordingWriter writer = new RecordingWriter();
        BulkFileReader.Outcome outcome = reader(writer, 2).read(new ByteArrayInputStream(ORDERS.getBytes(StandardCharsets.UTF_8)), 0);

        assertThat(outcome.lines()).isEqualTo(9);
        assertThat(outcome.roots()).isEqualTo(3);
        assertThat(outcome.orphanedLineItems()).isZero();
        // A batch ends only before an order, so no order is parted from its line items.
        assertThat(writer.batches).allSatisfy(batch -> {
            assertThat(batch.lateItems()).isEmpty();
            assertThat(writer.lineItemsWith(batch)).isEqualTo(2L * batch.rows().size());
        });
        assertThat(writer.batches).extracting(BulkBatch::lastLine).containsExactly(3L, 6L, 9L);
        ShopifyOrder.LineItem first = writer.batches.get(0).lineItems().get(6280604516516L).get(0);
        assertThat(first.shopifyId()).isEqualTo(16015145861284L);
        assertThat(first.sku()).isEqualTo("WH09-XS-Green");
    }

    @Test
    void aBatchAlsoEndsAtItsSizeInBytesAndStillBeforeAnOrder() throws Exception {
        List<String> lines = ORDERS.lines().toList();
        // The limit is the first order with its line items (890 bytes): the next order, with its first line item, is
        // larger, and each order's line items alone are less than twice the limit. So each order makes a batch of its own.
        long limit = bytes(lines.get(0)) + bytes(lines.get(1)) + bytes(lines.get(2));
        RecordingWriter writer = new RecordingWriter();
        BulkFileReader.Outcome outcome = reader(writer, new BulkFileReader.BatchLimit(1_000, limit))
                .read(new ByteArrayInputStream(ORDERS.getBytes(StandardCharsets.UTF_8)), 0);

        assertThat(outcome.roots()).isEqualTo(3);
        assertThat(writer.batches).extracting(BulkBatch::lastLine).containsExactly(3L, 6L, 9L);
        assertThat(writer.batches).allSatisfy(batch -> {
            assertThat(batch.rows()).hasSize(1);
            assertThat(batch.lateItems()).isEmpty();
            assertThat(writer.lineItemsWith(batch)).isEqualTo(2);
        });
    }

    @Test
    void aRunOfLineItemsEndsItsBatchAtTwiceTheBytesAndTheyJoinTheirOrderLate() throws Exception {
        List<String> lines = ORDERS.lines().toList();
        // The first order, then its two line items: the order and its first line item make twice the limit, so the second
        // line item starts a batch of its own.
        long limit = (bytes(lines.get(0)) + bytes(lines.get(1))) / 2;
        String order = String.join("\n", lines.get(0), lines.get(1), lines.get(2)) + "\n";
        RecordingWriter writer = new RecordingWriter();
        BulkFileReader.Outcome outcome = reader(writer, new BulkFileReader.BatchLimit(1_000, limit))
                .read(new ByteArrayInputStream(order.getBytes(StandardCharsets.UTF_8)), 0);

        assertThat(outcome.orphanedLineItems()).isZero();
        assertThat(writer.batches).extracting(BulkBatch::lastLine).containsExactly(2L, 3L);
        assertThat(writer.lineItemsWith(writer.batches.get(0))).isEqualTo(1);
        assertThat(writer.batches.get(1).lateItems()).containsOnlyKeys(6280604516516L);
        // the late item's own line, which the checkpoint keeps until the item has joined its order
        assertThat(writer.batches.get(1).lateItemLines()).containsOnlyKeys(writer.batches.get(1).lateItems().get(6280604516516L).get(0).shopifyId())
                .containsValue(3L);
    }

    @Test
    void theLimitCountsBytesNotCharacters() throws Exception {
        List<String> lines = ORDERS.lines().toList();
        // Three orders, the second one's name lengthened by 300 two-byte characters: the first two reach the limit in
        // bytes, not in characters, so the third order starts a batch of its own.
        String twoByte = lines.get(3).replace("\"name\":\"", "\"name\":\"" + "é".repeat(300));
        long limit = lines.get(0).length() + twoByte.length() + 150;
        assertThat(bytes(lines.get(0)) + bytes(twoByte)).isGreaterThanOrEqualTo(limit);
        String file = String.join("\n", lines.get(0), twoByte, lines.get(6)) + "\n";
        RecordingWriter writer = new RecordingWriter();
        reader(writer, new BulkFileReader.BatchLimit(1_000, limit)).read(new ByteArrayInputStream(file.getBytes(StandardCharsets.UTF_8)), 0);

        assertThat(writer.batches).extracting(BulkBatch::lastLine).containsExactly(2L, 3L);
    }

    private static long bytes(String line) {
        return line.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void aResumedReadSkipsTheCommittedLines() throws Exception {
        RecordingWriter writer = new RecordingWriter();
        BulkFileReader.Outcome outcome = reader(writer, 2).read(new ByteArrayInputStream(ORDERS.getBytes(StandardCharsets.UTF_8)), 6);
        assertThat(outcome.roots()).isEqualTo(1);
        assertThat(writer.batches).singleElement().satisfies(batch -> assertThat(batch.rows()).singleElement()
                .satisfies(row -> assertThat(row.shopifyId()).isEqualTo(6280606187684L)));
    }

    @Test
    void ungroupedLineItemsFindTheirOrderBeforeOrAfterIt() throws Exception {
        List<String> lines = ORDERS.lines().toList();
        // Line items of the first order come before it; those of the second come two batches after it.
        String ungrouped = String.join("\n", lines.get(1), lines.get(2), lines.get(0), lines.get(3), lines.get(6),
                lines.get(7), lines.get(8), lines.get(4), lines.get(5)) + "\n";
        RecordingWriter writer = new RecordingWriter();
        BulkFileReader.Outcome outcome = reader(writer, 1).read(new ByteArrayInputStream(ungrouped.getBytes(StandardCharsets.UTF_8)), 0);

        assertThat(outcome.orphanedLineItems()).isZero();
        BulkBatch withFirstOrder = writer.batches.stream().filter(batch -> batch.lineItems().containsKey(6280604516516L)).findFirst().orElseThrow();
        assertThat(withFirstOrder.lineItems().get(6280604516516L)).hasSize(2);
        // A batch holds a run of child lines up to twice its size: the second order's two line items, after it, come in
        // batches of their own as late items (and line items still waiting for their order ride along until it comes).
        assertThat(writer.batches.stream().flatMap(batch -> batch.lateItems().getOrDefault(6280605434020L, List.of()).stream())
                .map(ShopifyOrder.LineItem::shopifyId).distinct()).hasSize(2);
    }

    @Test
    void aLineItemWhoseOrderNeverCameHoldsTheCheckpointBackAndIsCountedAsOrphaned() throws Exception {
        List<String> lines = ORDERS.lines().toList();
        String withoutSecondOrder = String.join("\n", lines.get(0), lines.get(1), lines.get(2), lines.get(4), lines.get(5),
                lines.get(6), lines.get(7), lines.get(8)) + "\n";
        RecordingWriter writer = new RecordingWriter();
        BulkFileReader.Outcome outcome = reader(writer, 1).read(new ByteArrayInputStream(withoutSecondOrder.getBytes(StandardCharsets.UTF_8)), 0);

        assertThat(outcome.orphanedLineItems()).isEqualTo(2);
        BulkBatch last = writer.batches.get(writer.batches.size() - 1);
        assertThat(BulkWriter.checkpointLine(last, Set.of())).isEqualTo(3);
    }
}
