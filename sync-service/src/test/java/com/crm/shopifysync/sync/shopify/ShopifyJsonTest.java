package com.crm.shopifysync.sync.shopify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.OffsetDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShopifyJsonTest {

    @ParameterizedTest
    @ValueSource(strings = {"2024-03-05T10:11:12Z", "2024-03-05T10:11:12-05:00", "2024-03-05T10:11:12+05:30", "2024-03-05T10:11:12.1Z",
            "2024-03-05T10:11:12.345-04:00", "2024-03-05T10:11:12.123456789Z", "2024-02-29T23:59:59+00:00", "2024-03-05T10:11:12-00:00",
            "2024-03-05T10:11:12+18:00", "0001-01-01T00:00:00Z"})
    void theCommonFormsReadAsJavaTimeReadsThem(String text) {
        assertThat(ShopifyJson.commonIsoForm(text)).isEqualTo(OffsetDateTime.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-03-05T10:11Z", "2024-03-05T10:11:12", "2024-03-05T10:11:12.Z", "2024-03-05T10:11:12.1234567891Z",
            "2024-02-30T10:11:12Z", "2024-03-05T24:11:12Z", "2024-03-05T10:11:12+19:00", "2024-03-05T10:11:12+05:60",
            "2024-03-05T10:11:12+0530", "2024-03-05T10:11:12z", "2024-03-05 10:11:12Z", "2024-03-05T1x:11:12Z", "2024-03-05T10:11:12+05:30:00"})
    void anythingElseIsLeftToJavaTime(String text) {
        assertThat(ShopifyJson.commonIsoForm(text)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-02-30T10:11:12Z", "2024-03-05T10:11:12+19:00", "yesterday"})
    void aTimestampJavaTimeRefusesIsUnmappable(String text) {
        assertThatThrownBy(() -> ShopifyJson.timestamp(JsonNodeFactory.instance.objectNode().put("updated_at", text), "updated_at"))
                .isInstanceOf(UnmappablePayloadException.class);
    }
}
