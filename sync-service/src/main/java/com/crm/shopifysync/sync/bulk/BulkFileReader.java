package com.crm.shopifysync.sync.bulk;

import com.crm.shopifysync.sync.shopify.ShopifyCallFailed;
import com.crm.shopifysync.model.ResourceIds;
import com.crm.shopifysync.sync.bulk.BulkQueries.Resource;
import com.crm.shopifysync.sync.customer.CustomerRepository;
import com.crm.shopifysync.sync.order.OrderRepository;
import com.crm.shopifysync.sync.shopify.ShopifyCustomer;
import com.crm.shopifysync.sync.shopify.ShopifyMapper;
import com.crm.shopifysync.sync.shopify.ShopifyOrder;
import com.crm.shopifysync.sync.shopify.ShopifyPayload;
import com.crm.shopifysync.sync.store.RowsDocument;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Streams a bulk JSONL file into batches: memory holds two batches (one parsed while the other is written) and the line
 * items still waiting for their order, whatever the file's size. A batch is bounded in lines and in bytes of JSONL: what
 * a line costs in memory grows with its size, and a small heap's collector copies every batch it finds in flight.
 * Children are assembled by {@code __parentId} wherever they are: after their
 * parent in the same batch (grouped output), before it (they wait for it), or in a later batch (they join an order
 * that still holds this export's version). A batch is cut before a root line, so grouped children stay with their
 * parent; a run of child lines twice a batch long is cut too (they join their order as late items).
 */
final class BulkFileReader {

    /** Where a file's reading stands. */
    record Outcome(long lines, long roots, long orphanedLineItems) {
    }

    /** A batch ends once it holds this many lines or bytes of JSONL, whichever comes first. */
    record BatchLimit(int lines, long bytes) {

        BatchLimit {
            if (lines < 1 || bytes < 1) {
                throw new IllegalArgumentException("a bulk batch must allow at least one line and one byte (sync.bulk.batch-lines "
                        + lines + ", sync.bulk.batch-bytes " + bytes + ")");
            }
        }

        boolean reached(long batchLines, long batchBytes) {
            return batchLines >= lines || batchBytes >= bytes;
        }
    }

    private final UUID runId;
    private final String owner;
    private final String shopDomain;
    private final Resource resource;
    private final int slice;
    private final String bulkOperationId;
    private final OffsetDateTime observedAt;
    private final boolean recordSeen;
    private final BatchLimit batchLimit;
    private final Function<BulkBatch, BulkWriter.Applied> writer;

    /** The batch being written while the next one is parsed (at most one: memory holds two batches). */
    private java.util.concurrent.Future<?> inFlight;
    private java.util.concurrent.ExecutorService writerThread;

    /** Line items (with their line number) waiting for their order, by order id. */
    private final Map<Long, List<Child>> waiting = new LinkedHashMap<>();

    private record Child(long line, ShopifyOrder.LineItem item) {
    }

    /**
     * A root line: a customer is mapped as soon as it is read (it has no children), so a batch holds its values rather
     * than its JSON tree; an order keeps its tree until the batch's line items have joined it.
     */
    private record Root(long line, ShopifyCustomer customer, JsonNode node, ShopifyPayload payload, List<JsonNode> children) {
    }

    /**
     * @param observedAt when the export began, by Shopify's clock: what its rows hold was observed then, or later
     */
    BulkFileReader(UUID runId, String owner, String shopDomain, Resource resource, int slice, String bulkOperationId, OffsetDateTime observedAt,
                   boolean recordSeen, BatchLimit batchLimit, Function<BulkBatch, BulkWriter.Applied> writer) {
        this.runId = runId;
        this.owner = owner;
        this.shopDomain = shopDomain;
        this.resource = resource;
        this.slice = slice;
        this.bulkOperationId = bulkOperationId;
        this.observedAt = observedAt;
        this.recordSeen = recordSeen;
        this.batchLimit = batchLimit;
        this.writer = writer;
    }

    /**
     * Applies the file from the line after {@code skipLines}; an IOException leaves every committed batch in place.
     * Parsing and writing overlap: batch n+1 is parsed while batch n is written, on a writer thread of its own.
     */
    Outcome read(InputStream file, long skipLines) throws IOException {
        writerThread = java.util.concurrent.Executors.newSingleThreadExecutor(task -> new Thread(task, Thread.currentThread().getName() + "-writer"));
        try {
            Outcome outcome = readAll(file, skipLines);
            awaitInFlight();
            return outcome;
        } finally {
            try {
                awaitInFlight();
            } catch (RuntimeException alreadyFailing) {
                // the failure that ended the read is the one to report
            }
            writerThread.shutdown();
        }
    }

    private Outcome readAll(InputStream file, long skipLines) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(file, StandardCharsets.UTF_8), 1 << 16);
        Map<Long, Root> roots = new LinkedHashMap<>();
        List<JsonNode> children = new ArrayList<>();
        List<Long> childLines = new ArrayList<>();
        long lineNumber = 0;
        long batchSize = 0;
        long batchBytes = 0;
        long rootsApplied = 0;
        String line;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (lineNumber <= skipLines || line.isBlank()) {
                continue;
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new ShopifyCallFailed("interrupted", new InterruptedException());
            }
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            JsonNode node = ShopifyMapper.parse(bytes);
            boolean isChild = node.has("__parentId");
            // Cut before a root; before a child too once the batch is twice its size (ungrouped output may hold long runs of
            // line items: they join their orders as late items, and memory stays bounded).
            if (isChild ? batchLimit.reached(batchSize / 2, batchBytes / 2) : batchLimit.reached(batchSize, batchBytes)) {
                rootsApplied += flush(roots, children, childLines, lineNumber - 1);
                batchSize = 0;
                batchBytes = 0;
            }
            if (isChild) {
                children.add(node);
                childLines.add(lineNumber);
            } else {
                long id = ResourceIds.fromGid(node.path("id").asText())
                        .orElseThrow(() -> new ShopifyCallFailed("bulk line without a GID: " + node.path("id"), true));
                ShopifyPayload payload = ShopifyPayload.of(line, bytes);
                roots.put(id, resource == Resource.CUSTOMERS ? new Root(lineNumber, ShopifyMapper.customer(node, payload), null, null, new ArrayList<>())
                        : new Root(lineNumber, null, node, payload, new ArrayList<>()));
            }
            batchSize++;
            batchBytes += bytes.length;
        }
        if (batchSize > 0 || !waiting.isEmpty()) {
            rootsApplied += flush(roots, children, childLines, lineNumber);
        }
        long orphans = waiting.values().stream().mapToLong(List::size).sum();
        waiting.clear();
        return new Outcome(lineNumber, rootsApplied, orphans);
    }

    private long flush(Map<Long, Root> roots, List<JsonNode> children, List<Long> childLines, long lastLine) {
        Map<Long, List<ShopifyOrder.LineItem>> late = new LinkedHashMap<>();
        Map<Long, Long> lateLines = new LinkedHashMap<>();
        for (int i = 0; i < children.size(); i++) {
            JsonNode child = children.get(i);
            long parent = ResourceIds.fromGid(child.path("__parentId").asText()).orElse(-1L);
            Root root = roots.get(parent);
            if (root != null) {
                root.children().add(child);
            } else if (child.path("id").asText().startsWith("gid://shopify/LineItem/")) {
                waiting.computeIfAbsent(parent, id -> new ArrayList<>()).add(new Child(childLines.get(i), ShopifyMapper.lineItem(child)));
            }
        }
        List<RowsDocument.Row> rows = new ArrayList<>(roots.size());
        Map<Long, Long> rootLines = new java.util.HashMap<>();
        Map<Long, List<ShopifyOrder.LineItem>> lineItems = new LinkedHashMap<>();
        List<Long> seen = new ArrayList<>();
        Instant cursor = null;
        for (Map.Entry<Long, Root> entry : roots.entrySet()) {
            Root root = entry.getValue();
            List<Child> before = waiting.remove(entry.getKey());
            rootLines.put(entry.getKey(), root.line());
            Instant updatedAt;
            if (resource == Resource.CUSTOMERS) {
                ShopifyCustomer customer = root.customer();
                rows.add(CustomerRepository.row(shopDomain, customer, observedAt, Optional.empty()));
                updatedAt = customer.updatedAt() == null ? null : customer.updatedAt().toInstant();
                if (recordSeen) {
                    seen.add(customer.shopifyId());
                }
            } else {
                ShopifyOrder order = ShopifyMapper.order(root.node(), root.payload(), root.children());
                if (before != null) {
                    List<ShopifyOrder.LineItem> items = new ArrayList<>(before.stream().map(Child::item).toList());
                    items.addAll(order.lineItems());
                    order = withLineItems(order, items);
                }
                rows.add(OrderRepository.row(shopDomain, order, observedAt, Optional.empty(), bulkOperationId));
                lineItems.put(order.shopifyId(), order.lineItems());
                updatedAt = order.updatedAt() == null ? null : order.updatedAt().toInstant();
            }
            if (updatedAt != null && (cursor == null || updatedAt.isAfter(cursor))) {
                cursor = updatedAt;
            }
        }
        waiting.forEach((orderId, items) -> {
            late.put(orderId, items.stream().map(Child::item).toList());
            items.forEach(child -> lateLines.put(child.item().shopifyId(), child.line()));
        });
        long count = roots.size();
        BulkBatch batch = new BulkBatch(runId, owner, shopDomain, resource, slice, bulkOperationId, rows, rootLines, lineItems, late, lateLines,
                lastLine, count, cursor, seen);
        awaitInFlight();
        if (late.isEmpty()) {
            inFlight = writerThread.submit(() -> writer.apply(batch));
        } else {
            // Which late line items joined decides what still waits: written before the next batch is built.
            Set<Long> attached = writer.apply(batch).attachedLateItems();
            waiting.values().forEach(items -> items.removeIf(child -> attached.contains(child.item().shopifyId())));
            waiting.values().removeIf(List::isEmpty);
        }
        roots.clear();
        children.clear();
        childLines.clear();
        return count;
    }

    /** Waits for the batch being written; its failure becomes this thread's. */
    private void awaitInFlight() {
        if (inFlight == null) {
            return;
        }
        try {
            inFlight.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            inFlight.cancel(true);
            throw new ShopifyCallFailed("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            inFlight = null;
        }
    }

    private static ShopifyOrder withLineItems(ShopifyOrder order, List<ShopifyOrder.LineItem> items) {
        return new ShopifyOrder(order.shopifyId(), order.adminGraphqlApiId(), order.name(), order.orderNumber(), order.email(),
                order.customerShopifyId(), order.financialStatus(), order.fulfillmentStatus(), order.currency(), order.totalPrice(),
                order.subtotalPrice(), order.totalTax(), order.totalDiscounts(), order.tags(), order.cancelReason(), order.createdAt(),
                order.updatedAt(), order.processedAt(), order.cancelledAt(), order.closedAt(), items, order.payload());
    }
}
