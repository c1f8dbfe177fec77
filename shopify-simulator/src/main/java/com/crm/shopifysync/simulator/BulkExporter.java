package com.crm.shopifysync.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.language.Argument;
import graphql.language.Document;
import graphql.language.EnumValue;
import graphql.language.Field;
import graphql.language.OperationDefinition;
import graphql.language.StringValue;
import graphql.parser.Parser;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.logging.Logger;

/**
 * Runs a bulk query the way Shopify does: the query is executed against the shop's data, a slice of root objects
 * at a time, and written as JSONL: one line per object, each nested connection's nodes on lines of their own with
 * {@code __parentId}. Grouped output puts children right after their parent; ungrouped (the default since
 * 2026-01) makes no such promise, and here children of a slice come before or after its parents, alternately.
 * The export keeps Shopify's pace ({@link ExportRate}): a slice counts in {@code objectCount} only once the
 * operation's rate allows it, so the operation never runs ahead of its rate and ends no sooner than objects / rate.
 */
final class BulkExporter {

    static final String SLICE = "bulkSlice";
    private static final int SLICE_SIZE = 500;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One JSON object a line, on the file's generator (flushed when the file is closed, not after every line). */
    private static final ObjectWriter LINE = JSON.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);

    private static final Logger LOG = Logger.getLogger(BulkExporter.class.getName());

    private final GraphQL graphQl;
    private final BiPredicate<String, String> possibleType;
    private final Path directory;
    private final ExportRate rate;

    /** @param possibleType whether an object type (second) belongs to an interface or union (first) */
    BulkExporter(GraphQL graphQl, BiPredicate<String, String> possibleType, Path directory, ExportRate rate) {
        this.graphQl = graphQl;
        this.possibleType = possibleType;
        this.directory = directory;
        this.rate = rate;
    }

    /** Exports the operation's query to a file; interrupted (the simulator closing), it stops where it is. */
    void run(BulkOperation operation, Faults faults) throws InterruptedException {
        SimulatedShop shop = operation.shop();
        operation.running();
        long started = System.nanoTime();
        Path file = directory.resolve(operation.id() + (faults.bulkFailure() != null ? "-partial" : "") + ".jsonl");
        try {
            if ("ACCESS_DENIED".equals(faults.bulkFailure())) {
                operation.failed("ACCESS_DENIED", null, 0, shop.now());
                return;
            }
            Field root = rootField(operation.query());
            var recorded = shop.recordedExport(root.getName());
            if (recorded.isPresent()) {
                if (operation.awaitCancelUntil(started + rate.nanosFor(recorded.get().objects(), operation.groupObjects()))) {
                    operation.canceled(shop.now());
                    return;
                }
                operation.progress(recorded.get().objects(), recorded.get().rootObjects());
                operation.completed(recorded.get().file(), Files.size(recorded.get().file()), shop.now());
                return;
            }
            String search = argument(root, "query").orElse(null);
            boolean byUpdatedAt = argument(root, "sortKey").filter("UPDATED_AT"::equals).isPresent();
            // Rendered a slice at a time: a shop's 300,000 orders as maps at once would take gigabytes per export.
            List<?> roots = switch (root.getName()) {
                case "customers" -> shop.searchCustomers(search, byUpdatedAt);
                case "orders" -> shop.searchOrders(search, byUpdatedAt);
                default -> throw new IllegalStateException("the simulator exports customers and orders, not " + root.getName());
            };
            long failAfter = faults.bulkFailure() == null ? Long.MAX_VALUE : (long) (roots.size() * faults.failAfterFraction());
            SliceExecution execution = new SliceExecution(operation.query(), root.getName());
            try (OutputStream stream = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
                 JsonGenerator out = JSON.getFactory().createGenerator(stream)) {
                out.setRootValueSeparator(null); // lines end in a newline and nothing else starts one (Jackson puts a space)
                int sliceNumber = 0;
                long exported = 0;
                for (int from = 0; from < roots.size(); from += SLICE_SIZE) {
                    if (operation.cancelRequested()) {
                        operation.canceled(shop.now());
                        return;
                    }
                    List<?> records = roots.subList(from, Math.min(roots.size(), from + SLICE_SIZE));
                    // The failure strikes inside this slice: its file ends at the same fraction of the slice's lines, which
                    // in ungrouped output may leave an order in the file without some of its line items.
                    double kept = from + records.size() > failAfter ? (double) Math.max(0, failAfter - from) / records.size() : 1;
                    List<Map<String, Object>> slice = records.stream().map(BulkExporter::graphQl).toList();
                    long objects = writeSlice(operation, execution, slice, sliceNumber++, kept, out);
                    exported += objects;
                    if (operation.awaitCancelUntil(started + rate.nanosFor(exported, operation.groupObjects()))) {
                        operation.canceled(shop.now());
                        return;
                    }
                    operation.progress(objects, slice.size());
                    if (from + SLICE_SIZE > failAfter) {
                        break;
                    }
                }
            }
            if (faults.bulkFailure() != null) {
                operation.failed(faults.bulkFailure(), file, Files.size(file), shop.now());
            } else {
                operation.completed(file, Files.size(file), shop.now());
            }
        } catch (IOException | RuntimeException e) {
            operation.failed("INTERNAL_SERVER_ERROR", null, 0, shop.now());
        }
    }

    /** Writes one slice of roots with their children (the first {@code kept} fraction of its lines); returns the lines written. */
    private long writeSlice(BulkOperation operation, SliceExecution execution, List<Map<String, Object>> slice, int sliceNumber,
                            double kept, JsonGenerator out) throws IOException {
        Map<String, Object> data = execution.data(slice);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> nodes = nodesOf((Map<String, Object>) data.get(execution.rootName));
        List<Map<String, Object>> parents = new ArrayList<>();
        List<Map<String, Object>> children = new ArrayList<>();
        long objects = 0;
        for (Map<String, Object> node : nodes) {
            List<Map<String, Object>> lines = new ArrayList<>();
            flatten(new LinkedHashMap<>(node), null, lines);
            objects += lines.size();
            if (operation.groupObjects()) {
                parents.addAll(lines);
            } else {
                parents.add(lines.get(0));
                children.addAll(lines.subList(1, lines.size()));
            }
        }
        List<Map<String, Object>> lines = new ArrayList<>(sliceNumber % 2 == 0 ? parents : children);
        lines.addAll(sliceNumber % 2 == 0 ? children : parents);
        int written = kept >= 1 ? lines.size() : (int) (lines.size() * kept);
        for (Map<String, Object> line : lines.subList(0, written)) {
            writeLine(out, line);
        }
        return kept >= 1 ? objects : written;
    }

    /**
     * The query executed for one slice of roots after another: by {@link BulkProjection} once the first slice's
     * projection matched graphql-java's answer byte for byte, else (a document or data the projection does not
     * handle) by graphql-java for the rest of the export.
     */
    private final class SliceExecution {

        private final String query;
        private final String rootName;
        private BulkProjection projection;
        private boolean checked;

        SliceExecution(String query, String rootName) {
            this.query = query;
            this.rootName = rootName;
            try {
                this.projection = new BulkProjection(query, possibleType);
            } catch (BulkProjection.Unsupported e) {
                this.projection = null;
            }
        }

        Map<String, Object> data(List<Map<String, Object>> slice) throws IOException {
            if (projection != null) {
                try {
                    Map<String, Object> projected = projection.execute(Map.of("__typename", "QueryRoot", rootName,
                            AdminApi.sliceConnection(slice)));
                    if (checked) {
                        return projected;
                    }
                    checked = true;
                    Map<String, Object> executed = executed(slice);
                    if (!JSON.writeValueAsString(projected).equals(JSON.writeValueAsString(executed))) {
                        LOG.warning("bulk query answered differently without graphql-java, which exports it: " + query);
                        projection = null;
                    }
                    return executed;
                } catch (BulkProjection.Unsupported e) {
                    projection = null;
                }
            }
            return executed(slice);
        }

        private Map<String, Object> executed(List<Map<String, Object>> slice) {
            ExecutionResult result = graphQl.execute(ExecutionInput.newExecutionInput(query).graphQLContext(Map.of(SLICE, slice)).build());
            if (!result.getErrors().isEmpty()) {
                throw new IllegalStateException(result.getErrors().toString());
            }
            return result.getData();
        }
    }

    /** The object's own line first, then its connections' nodes (recursively), each marked with its parent's id. */
    @SuppressWarnings("unchecked")
    private static void flatten(Map<String, Object> node, String parentId, List<Map<String, Object>> lines) {
        List<List<Map<String, Object>>> connections = new ArrayList<>();
        Iterator<Map.Entry<String, Object>> fields = node.entrySet().iterator();
        while (fields.hasNext()) {
            Object value = fields.next().getValue();
            if (value instanceof Map<?, ?> map && (map.containsKey("edges") || map.containsKey("nodes"))) {
                connections.add(nodesOf((Map<String, Object>) map));
                fields.remove();
            }
        }
        if (parentId != null) {
            node.put("__parentId", parentId);
        }
        lines.add(node);
        for (List<Map<String, Object>> children : connections) {
            for (Map<String, Object> child : children) {
                flatten(new LinkedHashMap<>(child), (String) node.get("id"), lines);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> nodesOf(Map<String, Object> connection) {
        if (connection.get("nodes") instanceof List<?> nodes) {
            return (List<Map<String, Object>>) nodes;
        }
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (Object edge : (List<?>) connection.get("edges")) {
            nodes.add((Map<String, Object>) ((Map<?, ?>) edge).get("node"));
        }
        return nodes;
    }

    private static void writeLine(JsonGenerator out, Map<String, Object> line) throws IOException {
        LINE.writeValue(out, line);
        out.writeRaw('\n');
    }

    private static Map<String, Object> graphQl(Object record) {
        return record instanceof StoreData.Customer customer ? Shapes.graphQl(customer) : Shapes.graphQl((StoreData.Order) record);
    }

    static Field rootField(String query) {
        Document document = Parser.parse(query);
        OperationDefinition operation = document.getDefinitionsOfType(OperationDefinition.class).get(0);
        return (Field) operation.getSelectionSet().getSelections().get(0);
    }

    private static Optional<String> argument(Field field, String name) {
        return field.getArguments().stream().filter(argument -> argument.getName().equals(name)).findFirst()
                .map(Argument::getValue)
                .map(value -> value instanceof StringValue string ? string.getValue()
                        : value instanceof EnumValue enumValue ? enumValue.getName() : value.toString());
    }
}
