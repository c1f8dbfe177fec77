package com.crm.shopifysync.sync.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import com.crm.shopifysync.simulator.AdminSchema;
import org.junit.jupiter.api.Test;

/** Every GraphQL document the sync-service sends is valid against Shopify's real Admin schema (2026-07). */
class BulkQueriesSchemaTest {

    private static final AdminSchema SCHEMA = AdminSchema.validationOnly();

    @Test
    void everyDocumentValidatesAgainstTheRealSchema() {
        assertThat(BulkQueries.all()).hasSizeGreaterThanOrEqualTo(6);
        for (String document : BulkQueries.all()) {
            assertThat(SCHEMA.validate(document)).as(document).isEmpty();
        }
    }

    @Test
    void theValidationWouldCatchAFieldShopifyDoesNotHave() {
        String broken = BulkQueries.export(BulkQueries.Resource.CUSTOMERS, null).replace("verifiedEmail", "verifiedEmails");
        assertThat(SCHEMA.validate(broken)).singleElement().asString().contains("verifiedEmails");
    }

    @Test
    void theConfiguredApiVersionIsTheSchemasVersion() {
        assertThat(AdminSchema.VERSION).isEqualTo("2026-07");
    }
}
