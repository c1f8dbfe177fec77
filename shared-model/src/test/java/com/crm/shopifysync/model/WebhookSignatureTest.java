package com.crm.shopifysync.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    @Test
    void matchesShopifysOwnLibraryVector() {
        // Shopify/shopify-api-js validate.test.ts: secret test_secret_key, body {"foo": "bar"}
        assertThat(WebhookSignature.sign("test_secret_key", "{\"foo\": \"bar\"}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=");
    }
}
