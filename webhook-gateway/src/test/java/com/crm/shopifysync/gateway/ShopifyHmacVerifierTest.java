package com.crm.shopifysync.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.crm.shopifysync.gateway.ShopifyHmacVerifier.Rejection;
import com.crm.shopifysync.model.WebhookSignature;
import com.crm.shopifysync.testing.Fixtures;
import com.crm.shopifysync.testing.Fixtures.HmacVector;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ShopifyHmacVerifierTest {

    static Stream<HmacVector> vectors() {
        return Fixtures.hmacVectors().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void decidesEveryPublishedVectorAsExpected(HmacVector vector) {
        // the rotation vector signs with 'old_secret' and must pass while both secrets are configured
        List<String> secrets = vector.secret().equals("old_secret") ? List.of("secret", "old_secret") : List.of(vector.secret());
        ShopifyHmacVerifier verifier = new ShopifyHmacVerifier(secrets);

        boolean valid = verifier.verify(vector.body().getBytes(StandardCharsets.UTF_8), vector.hmac()).isEmpty();

        assertThat(valid).as(vector.note()).isEqualTo(vector.expectedValid());
    }

    @Test
    void saysWhyItRejects() {
        ShopifyHmacVerifier verifier = new ShopifyHmacVerifier(List.of("s3cret"));
        byte[] body = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);

        assertThat(verifier.verify(body, null)).contains(Rejection.MISSING_HMAC);
        assertThat(verifier.verify(body, "not base64!")).contains(Rejection.MALFORMED_HMAC);
        assertThat(verifier.verify(new byte[0], WebhookSignature.sign("s3cret", new byte[0]))).contains(Rejection.EMPTY_BODY);
        assertThat(verifier.verify(body, WebhookSignature.sign("other", body))).contains(Rejection.SIGNATURE_MISMATCH);
        assertThat(verifier.verify(body, WebhookSignature.sign("s3cret", body))).isEmpty();
    }

    @Test
    void rotationAcceptsOldAndNewSecretUntilTheOldOneIsRemoved() {
        byte[] body = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);
        String signedWithOld = WebhookSignature.sign("old", body);

        assertThat(new ShopifyHmacVerifier(List.of("new", "old")).verify(body, signedWithOld)).isEmpty();
        assertThat(new ShopifyHmacVerifier(List.of("new")).verify(body, signedWithOld)).contains(Rejection.SIGNATURE_MISMATCH);
    }

    @Test
    void refusesToStartWithoutASecret() {
        assertThatThrownBy(() -> new ShopifyHmacVerifier(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ShopifyHmacVerifier(List.of(" "))).isInstanceOf(IllegalArgumentException.class);
    }
}
