package com.crm.shopifysync.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OAuthQuerySignatureTest {

    /** Shopify's own example ("Verify a request", OAuth docs; also in shopify_python_api's tests): secret "hush". */
    static final Map<String, String> SHOPIFY_EXAMPLE = Map.of("code", "0907a61c0c8d55e99db179b68161bc00",
            "shop", "some-shop.myshopify.com", "state", "0.6784241404160823", "timestamp", "1337178173",
            "hmac", "700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf");

    @Test
    void shopifysDocumentedExampleVerifies() {
        assertThat(OAuthQuerySignature.message(SHOPIFY_EXAMPLE))
                .isEqualTo("code=0907a61c0c8d55e99db179b68161bc00&shop=some-shop.myshopify.com&state=0.6784241404160823&timestamp=1337178173");
        assertThat(OAuthQuerySignature.verify("hush", SHOPIFY_EXAMPLE, SHOPIFY_EXAMPLE.get("hmac"))).isTrue();
        assertThat(OAuthQuerySignature.verify("hush", SHOPIFY_EXAMPLE, SHOPIFY_EXAMPLE.get("hmac").toUpperCase())).isTrue();
    }

    @Test
    void anyChangedParameterOrSecretFails() {
        Map<String, String> tampered = new LinkedHashMap<>(SHOPIFY_EXAMPLE);
        tampered.put("shop", "other-shop.myshopify.com");
        assertThat(OAuthQuerySignature.verify("hush", tampered, SHOPIFY_EXAMPLE.get("hmac"))).isFalse();
        assertThat(OAuthQuerySignature.verify("not-hush", SHOPIFY_EXAMPLE, SHOPIFY_EXAMPLE.get("hmac"))).isFalse();
        assertThat(OAuthQuerySignature.verify("hush", SHOPIFY_EXAMPLE, null)).isFalse();
        assertThat(OAuthQuerySignature.verify("hush", SHOPIFY_EXAMPLE, "")).isFalse();
    }

    @Test
    void valuesAreFormEncodedAsShopifysLibrariesDo() {
        // URLSearchParams / urlencode: '=' and '&' inside a value are escaped, so no value can forge another parameter
        Map<String, String> parameters = Map.of("host", "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvc2hvcA==", "state", "a&b=c d");
        assertThat(OAuthQuerySignature.message(parameters)).isEqualTo("host=YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvc2hvcA%3D%3D&state=a%26b%3Dc+d");
        assertThat(OAuthQuerySignature.message(Map.of("signature", "x", "a", "1"))).isEqualTo("a=1");
    }
}
