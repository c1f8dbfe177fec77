package com.crm.shopifysync.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdminSchemaTest {

    private static final AdminSchema SCHEMA = AdminSchema.validationOnly();

    @Test
    void acceptsAQueryShopifyAnswers() {
        assertThat(SCHEMA.validate("query($id: ID!) { node(id: $id) { ... on BulkOperation { id status errorCode objectCount url partialDataUrl } } }"))
                .isEmpty();
    }

    @Test
    void rejectsAFieldShopifyDoesNotHave() {
        assertThat(SCHEMA.validate("{ customers(first: 1) { edges { node { id favouriteColour } } } }"))
                .singleElement().asString().contains("favouriteColour");
    }
}
