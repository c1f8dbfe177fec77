package com.crm.shopifysync.simulator;

import graphql.language.Document;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.IntValue;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.language.VariableReference;
import java.util.Map;

/**
 * The requested cost of a query, after Shopify's documented rules in simplified form: every object costs 1,
 * a connection costs 2 plus its page size times what one node costs, scalars are free, a mutation costs 10.
 */
final class QueryCost {

    static final int MUTATION = 10;
    static final int SINGLE_QUERY_MAXIMUM = 1000;

    private QueryCost() {
    }

    static int of(Document document, Map<String, Object> variables) {
        Map<String, FragmentDefinition> fragments = new java.util.HashMap<>();
        document.getDefinitionsOfType(FragmentDefinition.class).forEach(fragment -> fragments.put(fragment.getName(), fragment));
        int total = 0;
        for (OperationDefinition operation : document.getDefinitionsOfType(OperationDefinition.class)) {
            if (operation.getOperation() == OperationDefinition.Operation.MUTATION) {
                total += MUTATION * operation.getSelectionSet().getSelections().size();
            } else {
                total += cost(operation.getSelectionSet(), variables, fragments);
            }
        }
        return Math.max(1, total);
    }

    private static int cost(SelectionSet selections, Map<String, Object> variables, Map<String, FragmentDefinition> fragments) {
        if (selections == null) {
            return 0;
        }
        int total = 0;
        for (Selection<?> selection : selections.getSelections()) {
            if (selection instanceof Field field) {
                if (field.getSelectionSet() == null) {
                    continue;
                }
                int children = cost(field.getSelectionSet(), variables, fragments);
                Integer pageSize = pageSize(field, variables);
                total += pageSize == null ? 1 + children : 2 + pageSize * Math.max(1, children);
            } else if (selection instanceof InlineFragment fragment) {
                total += cost(fragment.getSelectionSet(), variables, fragments);
            } else if (selection instanceof FragmentSpread spread && fragments.containsKey(spread.getName())) {
                total += cost(fragments.get(spread.getName()).getSelectionSet(), variables, fragments);
            }
        }
        return total;
    }

    private static Integer pageSize(Field field, Map<String, Object> variables) {
        for (var argument : field.getArguments()) {
            if (argument.getName().equals("first") || argument.getName().equals("last")) {
                if (argument.getValue() instanceof IntValue value) {
                    return value.getValue().intValue();
                }
                if (argument.getValue() instanceof VariableReference reference
                        && variables.get(reference.getName()) instanceof Number number) {
                    return number.intValue();
                }
            }
        }
        return null;
    }
}
