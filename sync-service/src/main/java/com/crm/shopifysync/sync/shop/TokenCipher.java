package com.crm.shopifysync.sync.shop;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts shops' access and refresh tokens at rest with AES-256-GCM. The keys come from configuration
 * ({@code SHOPIFY_TOKEN_KEYS}, base64, comma-separated): the first encrypts, every one decrypts, so a key is rotated by
 * putting the new one first and removing the old one once every token has been written again (a refresh does that
 * within the hour). A ciphertext names its key by a fingerprint, never the key.
 *
 * <p>Hand-written over the JDK's own AES-GCM because nothing in the stack encrypts a column with key rotation; it is
 * the JDK's cipher, with a fresh 96-bit nonce per token and the shop's domain bound in as associated data, so a
 * ciphertext copied to another shop's row does not decrypt.
 */
public final class TokenCipher {

    private static final byte FORMAT = 1;
    private static final int NONCE_BYTES = 12;
    private static final int FINGERPRINT_BYTES = 8;
    private static final int TAG_BITS = 128;

    private record Key(SecretKeySpec spec, byte[] fingerprint) {
    }

    private final List<Key> keys;
    private final SecureRandom random = new SecureRandom();

    /** @param base64Keys AES-256 keys, base64; the first one encrypts */
    public TokenCipher(List<String> base64Keys) {
        if (base64Keys.isEmpty()) {
            throw new IllegalArgumentException("SHOPIFY_TOKEN_KEYS holds no key");
        }
        this.keys = base64Keys.stream().map(String::strip).map(TokenCipher::key).toList();
    }

    /** The token encrypted, as {@code format ‖ key fingerprint ‖ nonce ‖ ciphertext and tag}. */
    public byte[] encrypt(String token, String shopDomain) {
        Key key = keys.get(0);
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.spec(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(shopDomain.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(token.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(1 + FINGERPRINT_BYTES + NONCE_BYTES + sealed.length).put(FORMAT).put(key.fingerprint())
                    .put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encrypting a token failed", e);
        }
    }

    /**
     * The token back.
     *
     * @throws IllegalStateException when no configured key made it, or it was altered, or it is another shop's
     */
    public String decrypt(byte[] encrypted, String shopDomain) {
        ByteBuffer buffer = ByteBuffer.wrap(encrypted);
        if (encrypted.length < 1 + FINGERPRINT_BYTES + NONCE_BYTES + TAG_BITS / 8 || buffer.get() != FORMAT) {
            throw new IllegalStateException("not an encrypted token");
        }
        byte[] fingerprint = new byte[FINGERPRINT_BYTES];
        buffer.get(fingerprint);
        byte[] nonce = new byte[NONCE_BYTES];
        buffer.get(nonce);
        byte[] sealed = new byte[buffer.remaining()];
        buffer.get(sealed);
        Key key = keys.stream().filter(candidate -> MessageDigest.isEqual(candidate.fingerprint(), fingerprint)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the token was encrypted with a key no longer configured"));
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.spec(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(shopDomain.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(sealed), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a token did not decrypt (altered, or another shop's)", e);
        }
    }

    /** Whether the ciphertext was made with a key other than the first: it is written again with the first. */
    public boolean needsReencryption(byte[] encrypted) {
        return encrypted.length < 1 + FINGERPRINT_BYTES
                || !MessageDigest.isEqual(Arrays.copyOfRange(encrypted, 1, 1 + FINGERPRINT_BYTES), keys.get(0).fingerprint());
    }

    private static Key key(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a key of SHOPIFY_TOKEN_KEYS is not base64");
        }
        if (bytes.length != 32) {
            throw new IllegalArgumentException("a key of SHOPIFY_TOKEN_KEYS is " + bytes.length + " bytes; AES-256 takes 32");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return new Key(new SecretKeySpec(bytes, "AES"), Arrays.copyOf(digest, FINGERPRINT_BYTES));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
