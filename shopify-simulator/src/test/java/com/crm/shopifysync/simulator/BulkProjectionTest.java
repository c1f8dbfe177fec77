package com.crm.shopifysync.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.crm.shopifysync.simulator.StoreGenerator.Store;
import com.fasterxml.jackson.databind.ObjectMapper;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.schema.DataFetcher;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bulk export's fast path answers exactly what graphql-java answers over the same shapes (the JSON, byte for
 * byte), for the sync's own exports and for the GraphQL a bulk query may use; what it cannot promise it refuses.
 */
class BulkProjectionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AdminSchema SCHEMA = AdminSchema.executable(Map.of(
            "QueryRoot.customers", slice(), "QueryRoot.orders", slice()));
    private static final GraphQL GRAPHQL = SCHEMA.graphQl();
    private static final Store STORE = StoreGenerator.generate(11, 60, 200, Instant.parse("2026-03-01T12:00:00Z"));

    /** The sync-service's customer export (BulkQueries with CustomerField's selection). */
    private static final String SYNC_CUSTOMERS = """
            { customers(query: "updated_at:>='2024-01-01T00:00:00Z'", sortKey: UPDATED_AT) { edges { node { id email firstName
              lastName phone state note verifiedEmail taxExempt
              defaultAddress { id firstName lastName company address1 address2 city province provinceCode country countryCodeV2 zip phone }
              createdAt updatedAt tags
              defaultEmailAddress { emailAddress marketingState marketingOptInLevel marketingUpdatedAt }
              emailMarketingConsent { marketingState marketingOptInLevel consentUpdatedAt }
              defaultPhoneNumber { phoneNumber marketingState } smsMarketingConsent { marketingState }
              numberOfOrders amountSpent { amount currencyCode } } } } }""";
    /** The sync-service's order export (BulkQueries.ORDER_FIELDS). */
    private static final String SYNC_ORDERS = """
            { orders(sortKey: UPDATED_AT) { edges { node {
              id name number email customer { id } displayFinancialStatus displayFulfillmentStatus currencyCode
              totalPriceSet { shopMoney { amount currencyCode } }
              subtotalPriceSet { shopMoney { amount currencyCode } }
              totalTaxSet { shopMoney { amount currencyCode } }
              totalDiscountsSet { shopMoney { amount currencyCode } }
              tags cancelReason createdAt updatedAt processedAt cancelledAt closedAt
              lineItems {
                edges { node { id name variantTitle sku vendor quantity product { id } variant { id }
                  originalUnitPriceSet { shopMoney { amount } } totalDiscountSet { shopMoney { amount } } } }
              } } } } }""";

    @ParameterizedTest
    @ValueSource(strings = {SYNC_CUSTOMERS, SYNC_ORDERS,
            // nodes instead of edges, aliases, a field asked twice with different selections (merged)
            "{ orders { nodes { key: id legacyResourceId no: number lineItems { nodes { id } } lineItems { nodes { sku quantity } } } } }",
            // __typename, inline fragments on the object's own type and on interfaces it implements
            "{ customers { edges { node { __typename id ... on Customer { firstName } ... on Node { id } ... on HasMetafields { __typename } } } } }",
            // a named fragment, and literal @skip / @include
            """
            query { orders { edges { node { ...order email @skip(if: true) tags @include(if: true) note @include(if: false) } } } }
            fragment order on Order { id name customer { __typename id } lineItems { edges { node { ... on LineItem { title } } } } }"""})
    void answersWhatGraphqlJavaAnswers(String query) throws Exception {
        String root = BulkExporter.rootField(query).getName();
        List<Map<String, Object>> nodes = root.equals("customers")
                ? STORE.customers().stream().map(Shapes::graphQl).toList() : STORE.orders().stream().map(Shapes::graphQl).toList();
        assertThat(SCHEMA.validate(query)).isEmpty();

        ExecutionResult executed = GRAPHQL.execute(ExecutionInput.newExecutionInput(query).graphQLContext(Map.of(BulkExporter.SLICE, nodes)).build());
        Map<String, Object> projected = new BulkProjection(query, SCHEMA::isPossibleType)
                .execute(Map.of("__typename", "QueryRoot", root, AdminApi.sliceConnection(nodes)));

        assertThat(executed.getErrors()).isEmpty();
        assertThat(JSON.writeValueAsString(projected)).isEqualTo(JSON.writeValueAsString(executed.getData()));
    }

    @Test
    void refusesAFragmentOnAnObjectThatDoesNotSayItsType() {
        // MoneyBag maps carry no __typename: only the schema knows their type, and the projection does not track it.
        String query = "{ orders { edges { node { id totalPriceSet { ... on MoneyBag { shopMoney { amount } } } } } } }";
        assertThat(SCHEMA.validate(query)).isEmpty();
        BulkProjection projection = new BulkProjection(query, SCHEMA::isPossibleType);
        Map<String, Object> root = Map.of("__typename", "QueryRoot", "orders",
                AdminApi.sliceConnection(STORE.orders().stream().map(Shapes::graphQl).toList()));

        assertThatThrownBy(() -> projection.execute(root)).isInstanceOf(BulkProjection.Unsupported.class);
    }

    private static DataFetcher<?> slice() {
        return env -> AdminApi.sliceConnection(env.getGraphQlContext().get(BulkExporter.SLICE));
    }
}
