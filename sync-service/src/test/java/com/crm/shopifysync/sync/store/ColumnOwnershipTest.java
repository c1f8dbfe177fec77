package com.crm.shopifysync.sync.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.crm.shopifysync.sync.store.ColumnOwnership.Column;
import com.crm.shopifysync.testing.KafkaTestResource;
import com.crm.shopifysync.testing.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The migrated schema and the ownership lists agree: every column is owned by exactly one side. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class ColumnOwnershipTest {

    @Test
    void everyCustomerColumnHasExactlyOneOwner() throws SQLException {
        List<String> classified = concat(ColumnOwnership.KEY, names(ColumnOwnership.CUSTOMER_SHOPIFY_OWNED),
                ColumnOwnership.CUSTOMER_SYNC_STATE, ColumnOwnership.CUSTOMER_CRM_OWNED);

        assertThat(classified).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(columnsOf("customers"));
    }

    @Test
    void everyOrderColumnHasExactlyOneOwner() throws SQLException {
        List<String> classified = concat(ColumnOwnership.KEY, names(ColumnOwnership.ORDER_SHOPIFY_OWNED),
                ColumnOwnership.ORDER_SYNC_STATE, ColumnOwnership.ORDER_CRM_OWNED);

        assertThat(classified).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(columnsOf("orders"));
    }

    @Test
    void crmColumnsAreNeverInAnUpsert() {
        assertThat(names(ColumnOwnership.CUSTOMER_SHOPIFY_OWNED)).doesNotContainAnyElementsOf(ColumnOwnership.CUSTOMER_CRM_OWNED);
        assertThat(names(ColumnOwnership.ORDER_SHOPIFY_OWNED)).doesNotContainAnyElementsOf(ColumnOwnership.ORDER_CRM_OWNED);
    }

    private static List<String> names(List<Column> columns) {
        return columns.stream().map(Column::name).toList();
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        return Stream.of(lists).flatMap(List::stream).toList();
    }

    private static List<String> columnsOf(String table) throws SQLException {
        try (Connection connection = PostgresTestResource.connect();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ?")) {
            query.setString(1, table);
            List<String> columns = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    columns.add(rows.getString(1));
                }
            }
            assertThat(columns).isNotEmpty();
            return columns;
        }
    }
}
