package com.crm.shopifysync.simulator;

import graphql.language.Argument;
import graphql.language.BooleanValue;
import graphql.language.Directive;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.language.TypeName;
import graphql.parser.Parser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * A bulk query's selections applied to the maps {@link Shapes} renders, without graphql-java's execution engine:
 * what graphql-java does for such a document (the simulator's fields all read map entries), a dozen times faster, so
 * that the simulator's own work does not limit an export that is meant to run at Shopify's rate. The document was
 * validated against the schema when the operation was created. Response keys (aliases), merged fields, inline
 * fragments and fragment spreads (by the {@code __typename} each map carries), {@code __typename} and literal
 * {@code @skip}/{@code @include} are handled; anything else is {@link Unsupported}, and the export then goes through
 * graphql-java as before. {@link BulkExporter} also checks every export's first slice against graphql-java.
 */
final class BulkProjection {

    /** The projection cannot promise graphql-java's answer for this document or data. */
    static final class Unsupported extends RuntimeException {
        Unsupported(String message) {
            super(message, null, false, false);
        }
    }

    private final OperationDefinition operation;
    private final List<SelectionSet> rootSelections;
    private final Map<String, FragmentDefinition> fragments = new LinkedHashMap<>();
    private final BiPredicate<String, String> possibleType;
    /** Plans by the identity of their selections (each plan's sub-selections are the keys below it), then by type. */
    private final Map<List<SelectionSet>, Plans> plans = new IdentityHashMap<>();

    /** @param possibleType whether an object type (second) is, or belongs to, a type condition (first) */
    BulkProjection(String query, BiPredicate<String, String> possibleType) {
        Document document = Parser.parse(query);
        List<OperationDefinition> operations = document.getDefinitionsOfType(OperationDefinition.class);
        if (operations.size() != 1 || operations.get(0).getOperation() != OperationDefinition.Operation.QUERY) {
            throw new Unsupported("one query operation expected");
        }
        this.operation = operations.get(0);
        this.rootSelections = List.of(operation.getSelectionSet());
        document.getDefinitionsOfType(FragmentDefinition.class).forEach(fragment -> fragments.put(fragment.getName(), fragment));
        this.possibleType = possibleType;
    }

    /** The operation's {@code data} for a root object (a map of root field names to their values). */
    Map<String, Object> execute(Map<String, Object> root) {
        return object(root, rootSelections);
    }

    /** One response key of an object: the field it reads and the selections of its value (merged, as graphql-java does). */
    private record Entry(String key, String name, List<SelectionSet> subSelections) {
    }

    private Map<String, Object> object(Map<String, Object> source, List<SelectionSet> selectionSets) {
        List<Entry> entries = plan(source, selectionSets);
        Map<String, Object> result = new LinkedHashMap<>(entries.size() * 4 / 3 + 1);
        for (Entry entry : entries) {
            result.put(entry.key(), entry.name().equals("__typename") ? typeName(source)
                    : value(source.get(entry.name()), entry.subSelections()));
        }
        return result;
    }

    /**
     * The response keys of these selections for this object, collected once per selections and type (the type
     * matters only where fragments are): each key's first field is read, its fields' selections merged.
     */
    private List<Entry> plan(Map<String, Object> source, List<SelectionSet> selectionSets) {
        Plans known = plans.computeIfAbsent(selectionSets, sets -> new Plans(hasFragments(sets)));
        String type = known.byType ? typeName(source) : "";
        List<Entry> plan = known.byTypeName.get(type);
        if (plan == null) {
            Map<String, List<Field>> fields = new LinkedHashMap<>();
            for (SelectionSet selectionSet : selectionSets) {
                collect(source, selectionSet, fields);
            }
            plan = new ArrayList<>(fields.size());
            for (Map.Entry<String, List<Field>> sameKey : fields.entrySet()) {
                List<SelectionSet> subSelections = new ArrayList<>(1);
                for (Field field : sameKey.getValue()) {
                    if (field.getSelectionSet() != null) {
                        subSelections.add(field.getSelectionSet());
                    }
                }
                plan.add(new Entry(sameKey.getKey(), sameKey.getValue().get(0).getName(), List.copyOf(subSelections)));
            }
            known.byTypeName.put(type, plan);
        }
        return plan;
    }

    /** The plans of some selections: one, or one per object type when fragments make the type matter. */
    private static final class Plans {
        final boolean byType;
        final Map<String, List<Entry>> byTypeName = new HashMap<>();

        Plans(boolean byType) {
            this.byType = byType;
        }
    }

    private static boolean hasFragments(List<SelectionSet> selectionSets) {
        for (SelectionSet selectionSet : selectionSets) {
            for (Selection<?> selection : selectionSet.getSelections()) {
                if (!(selection instanceof Field)) {
                    return true;
                }
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private Object value(Object value, List<SelectionSet> subSelections) {
        if (value == null) {
            return null;
        }
        if (value instanceof List<?> list) {
            List<Object> values = new ArrayList<>(list.size());
            for (Object element : list) {
                values.add(value(element, subSelections));
            }
            return values;
        }
        if (subSelections.isEmpty()) {
            if (value instanceof Map<?, ?>) {
                throw new Unsupported("an object where a scalar was selected");
            }
            return value;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new Unsupported("a scalar where an object was selected");
        }
        return object((Map<String, Object>) map, subSelections);
    }

    /** graphql-java's field collection: each response key's fields, in document order, fragments that apply inlined. */
    private void collect(Map<String, Object> source, SelectionSet selectionSet, Map<String, List<Field>> fields) {
        for (Selection<?> selection : selectionSet.getSelections()) {
            if (selection instanceof Field field) {
                if (included(field.getDirectives())) {
                    fields.computeIfAbsent(field.getResultKey(), key -> new ArrayList<>(1)).add(field);
                }
            } else if (selection instanceof InlineFragment fragment) {
                if (included(fragment.getDirectives()) && applies(source, fragment.getTypeCondition())) {
                    collect(source, fragment.getSelectionSet(), fields);
                }
            } else if (selection instanceof FragmentSpread spread) {
                FragmentDefinition fragment = fragments.get(spread.getName());
                if (fragment == null) {
                    throw new Unsupported("unknown fragment " + spread.getName());
                }
                if (included(spread.getDirectives()) && applies(source, fragment.getTypeCondition())) {
                    collect(source, fragment.getSelectionSet(), fields);
                }
            } else {
                throw new Unsupported("selection " + selection.getClass().getSimpleName());
            }
        }
    }

    private boolean applies(Map<String, Object> source, TypeName condition) {
        if (condition == null) {
            return true;
        }
        String type = typeName(source);
        return type.equals(condition.getName()) || possibleType.test(condition.getName(), type);
    }

    private static String typeName(Map<String, Object> source) {
        if (!(source.get("__typename") instanceof String type)) {
            throw new Unsupported("an object without __typename");
        }
        return type;
    }

    /** {@code @skip(if: true)} and {@code @include(if: false)} leave a selection out; only literal conditions here. */
    private static boolean included(List<Directive> directives) {
        for (Directive directive : directives) {
            if (!directive.getName().equals("skip") && !directive.getName().equals("include")) {
                throw new Unsupported("directive @" + directive.getName());
            }
            Argument condition = directive.getArgument("if");
            if (condition == null || !(condition.getValue() instanceof BooleanValue literal)) {
                throw new Unsupported("@" + directive.getName() + " without a literal condition");
            }
            if (literal.isValue() == directive.getName().equals("skip")) {
                return false;
            }
        }
        return true;
    }
}
