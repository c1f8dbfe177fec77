package com.crm.shopifysync.sync.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenCipherTest {

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    @Test
    void aTokenComesBackAndIsNotInItsCiphertext() {
        TokenCipher cipher = new TokenCipher(List.of(newKey()));
        String token = "shpat_0123456789abcdef0123456789abcdef";

        byte[] first = cipher.encrypt(token, "a.myshopify.com");
        byte[] second = cipher.encrypt(token, "a.myshopify.com");

        assertThat(cipher.decrypt(first, "a.myshopify.com")).isEqualTo(token);
        assertThat(new String(first, StandardCharsets.ISO_8859_1)).doesNotContain("shpat_");
        assertThat(first).as("a fresh nonce every time").isNotEqualTo(second);
    }

    @Test
    void rotationDecryptsWithTheOldKeyAndEncryptsWithTheNewOne() {
        String oldKey = newKey();
        String newKey = newKey();
        byte[] underOldKey = new TokenCipher(List.of(oldKey)).encrypt("old-token", "a.myshopify.com");

        TokenCipher rotated = new TokenCipher(List.of(newKey, oldKey));
        assertThat(rotated.decrypt(underOldKey, "a.myshopify.com")).isEqualTo("old-token");
        assertThat(rotated.needsReencryption(underOldKey)).isTrue();
        byte[] underNewKey = rotated.encrypt("new-token", "a.myshopify.com");
        assertThat(rotated.needsReencryption(underNewKey)).isFalse();

        TokenCipher oldKeyRemoved = new TokenCipher(List.of(newKey));
        assertThat(oldKeyRemoved.decrypt(underNewKey, "a.myshopify.com")).isEqualTo("new-token");
        assertThatThrownBy(() -> oldKeyRemoved.decrypt(underOldKey, "a.myshopify.com"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no longer configured");
    }

    @Test
    void aTokenCopiedToAnotherShopOrAlteredDoesNotDecrypt() {
        TokenCipher cipher = new TokenCipher(List.of(newKey()));
        byte[] encrypted = cipher.encrypt("token", "a.myshopify.com");

        assertThatThrownBy(() -> cipher.decrypt(encrypted, "b.myshopify.com")).isInstanceOf(IllegalStateException.class);
        encrypted[encrypted.length - 1] ^= 1;
        assertThatThrownBy(() -> cipher.decrypt(encrypted, "a.myshopify.com")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void keysThatAreNotAes256AreRefusedAtOnce() {
        assertThatThrownBy(() -> new TokenCipher(List.of(Base64.getEncoder().encodeToString(new byte[16]))))
                .hasMessageContaining("AES-256 takes 32");
        assertThatThrownBy(() -> new TokenCipher(List.of("not base64!"))).hasMessageContaining("not base64");
        assertThatThrownBy(() -> new TokenCipher(List.of())).hasMessageContaining("no key");
    }
}
