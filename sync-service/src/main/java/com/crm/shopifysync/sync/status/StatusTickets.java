package com.crm.shopifysync.sync.status;

import com.crm.shopifysync.sync.api.ApiConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived tickets that open the status WebSocket: browsers cannot set an Authorization header on a WebSocket,
 * and an API token in a URL ends up in access logs. A ticket names one shop and an expiry and is signed (HMAC-SHA256)
 * with the API token that asked for it, so any replica sharing the tokens verifies it without shared state, and
 * removing a token during rotation voids its tickets too.
 */
@ApplicationScoped
public class StatusTickets {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();

    public record Ticket(String value, Instant expiresAt) {
    }

    private final List<byte[]> tokens;
    private final StatusConfig config;

    public StatusTickets(ApiConfig api, StatusConfig config) {
        this.tokens = api.tokenBytes();
        this.config = config;
    }

    /** A ticket for {@code shop}, signed with {@code token} (already authenticated by the admin API). */
    public Ticket issue(String shop, String token, Instant now) {
        Instant expiresAt = now.plus(config.ticketLifetime());
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        String claims = ENCODER.encodeToString((shop + "\n" + expiresAt.toEpochMilli() + "\n" + ENCODER.encodeToString(nonce))
                .getBytes(StandardCharsets.UTF_8));
        return new Ticket(claims + "." + ENCODER.encodeToString(sign(claims, token.getBytes(StandardCharsets.UTF_8))), expiresAt);
    }

    /** True when the ticket is well formed, signed with a current API token, for this shop, and not expired. */
    public boolean admits(String ticket, String shop, Instant now) {
        if (ticket == null || shop == null) {
            return false;
        }
        int dot = ticket.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        String claims = ticket.substring(0, dot);
        byte[] signature;
        String[] fields;
        try {
            signature = DECODER.decode(ticket.substring(dot + 1));
            fields = new String(DECODER.decode(claims), StandardCharsets.UTF_8).split("\n", -1);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
        boolean signed = false;
        for (byte[] token : tokens) {
            signed |= MessageDigest.isEqual(sign(claims, token), signature);
        }
        if (!signed || fields.length != 3) {
            return false;
        }
        try {
            return fields[0].equals(shop) && now.isBefore(Instant.ofEpochMilli(Long.parseLong(fields[1])));
        } catch (NumberFormatException malformed) {
            return false;
        }
    }

    private static byte[] sign(String claims, byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(claims.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }
}
