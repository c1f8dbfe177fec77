package com.crm.shopifysync.sync.connect;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * The {@code state} of each authorization request: random, bound to the shop it was issued for, valid for
 * {@link #LIFETIME} and used once. A callback whose state is unknown, another shop's, expired or used already is refused.
 */
@ApplicationScoped
public class OAuthStates {

    static final Duration LIFETIME = Duration.ofMinutes(10);

    private final Pool pool;
    private final SecureRandom random = new SecureRandom();

    public OAuthStates(Pool pool) {
        this.pool = pool;
    }

    /** A new state for an authorization of {@code shop} (and the states expired for a day are dropped). */
    public Uni<String> issue(String shop) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String state = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return pool.preparedQuery("DELETE FROM oauth_states WHERE expires_at < now() - interval '1 day'").execute()
                .chain(() -> pool.preparedQuery("INSERT INTO oauth_states (state, shop_domain, expires_at) "
                        + "VALUES ($1, $2, now() + $3 * interval '1 millisecond')").execute(Tuple.of(state, shop, LIFETIME.toMillis())))
                .replaceWith(state);
    }

    /** Uses the state up: true once, for the shop it was issued for, while it is valid. */
    public Uni<Boolean> consume(String state, String shop) {
        return pool.preparedQuery("UPDATE oauth_states SET used_at = now() WHERE state = $1 AND shop_domain = $2 AND used_at IS NULL "
                        + "AND expires_at > now()")
                .execute(Tuple.of(state, shop)).map(rows -> rows.rowCount() == 1);
    }
}
