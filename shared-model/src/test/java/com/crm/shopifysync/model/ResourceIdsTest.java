package com.crm.shopifysync.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResourceIdsTest {

    @Test
    void gidKeepsAll64Bits() {
        assertThat(ResourceIds.fromGid("gid://shopify/Order/820982911946154508")).contains(820982911946154508L);
        assertThat(ResourceIds.fromGid("gid://shopify/MailingAddress/123?model_name=CustomerAddress")).contains(123L);
        assertThat(ResourceIds.fromGid("gid://shopify/Order/abc")).isEmpty();
        assertThat(ResourceIds.fromGid("820982911946154508")).isEmpty();
    }

    @Test
    void topLevelIdPrefersTheExactGidOverARoundedNumber() {
        byte[] body = ("{\"customer\":{\"id\":1},\"id\":706405506930370000,"
                + "\"admin_graphql_api_id\":\"gid://shopify/Customer/706405506930370084\"}").getBytes(StandardCharsets.UTF_8);

        assertThat(ResourceIds.topLevelId(body)).contains("706405506930370084");
    }

    @Test
    void nestedIdsAreNotMistakenForTheResourceId() {
        byte[] body = "{\"customer\":{\"id\":1,\"admin_graphql_api_id\":\"gid://shopify/Customer/1\"},\"id\":42}"
                .getBytes(StandardCharsets.UTF_8);

        assertThat(ResourceIds.topLevelId(body)).contains("42");
    }

    @Test
    void nonObjectsHaveNoId() {
        assertThat(ResourceIds.topLevelId("[1,2]".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(ResourceIds.topLevelId(new byte[0])).isEmpty();
    }
}
