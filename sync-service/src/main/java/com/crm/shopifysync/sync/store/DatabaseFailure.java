package com.crm.shopifysync.sync.store;

import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.hibernate.JDBCException;

/**
 * What a failed database call means for the work that made it, read from PostgreSQL's SQLSTATE where the failure
 * carries one (whichever client raised it: the reactive client, Hibernate Reactive or JDBC) and from the exception's
 * type where it never reached PostgreSQL.
 */
public enum DatabaseFailure {

    /**
     * PostgreSQL is unreachable, shutting down or has no connection left (SQLSTATE class 08, 57P, 53300; a refused,
     * dropped or timed-out connection): every piece of work would fail alike, so wait and try the same work again.
     */
    UNAVAILABLE,
    /**
     * PostgreSQL refuses the data however often it is tried (classes 22 data exception, 23 integrity constraint
     * violation): set it aside (dead letter, quarantine) and go on.
     */
    REFUSED,
    /**
     * Anything else: contention (a lock or statement timeout, a deadlock), resources the work itself may exhaust (out of
     * memory, a configured limit), and the schema or permissions not being what the code expects (class 42: a deployment
     * problem, never the data's); worth retrying later, and never a reason to set the data aside for good.
     */
    TRANSIENT;

    /** PostgreSQL's own word (an SQLSTATE anywhere in the chain) first; the failure's type where it never got one. */
    public static DatabaseFailure of(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            String sqlState = sqlState(cause);
            if (sqlState != null) {
                return ofSqlState(sqlState);
            }
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (isTransportFailure(cause) || cause instanceof ClosedConnectionException || cause instanceof TimeoutException
                    || cause instanceof io.smallrye.mutiny.TimeoutException || isLibrarySignOfALostConnection(cause)) {
                return UNAVAILABLE;
            }
        }
        return TRANSIENT;
    }

    static DatabaseFailure ofSqlState(String sqlState) {
        if (sqlState.startsWith("08") || sqlState.startsWith("57P") || sqlState.equals("53300")) {
            return UNAVAILABLE;
        }
        if (sqlState.startsWith("22") || sqlState.startsWith("23")) {
            return REFUSED;
        }
        return TRANSIENT;
    }

    /** Failures of the connection itself (not JSON's, not a codec's, which share their supertypes). */
    private static boolean isTransportFailure(Throwable failure) {
        if (failure instanceof com.fasterxml.jackson.core.JacksonException || failure instanceof io.vertx.core.json.DecodeException
                || failure instanceof io.vertx.core.json.EncodeException) {
            return false;
        }
        return failure instanceof IOException || failure instanceof io.vertx.core.VertxException;
    }

    /**
     * Two failures of a lost connection carry no type of their own, only their library's fixed text: Hibernate
     * Reactive's HR000089 (an IllegalStateException) and the Vert.x pool's "Timeout" for a connection it could not
     * lease in time (a bare NoStackTraceThrowable).
     */
    private static boolean isLibrarySignOfALostConnection(Throwable failure) {
        String message = String.valueOf(failure.getMessage());
        return failure instanceof IllegalStateException && message.startsWith("HR000089")
                || failure instanceof io.vertx.core.impl.NoStackTraceThrowable && message.equals("Timeout");
    }

    private static String sqlState(Throwable failure) {
        if (failure instanceof PgException pg) {
            return pg.getSqlState();
        }
        if (failure instanceof JDBCException jdbc) {
            return jdbc.getSQLState();
        }
        return failure instanceof SQLException sql ? sql.getSQLState() : null;
    }

    public static boolean isUnavailable(Throwable failure) {
        return of(failure) == UNAVAILABLE;
    }

    /**
     * The work, tried again while the database is unavailable, with backoff (100 ms growing to 5 s), for as long as it
     * takes: nothing could be done meanwhile, and nothing may be skipped. {@code onRetry} hears of every retry.
     */
    public static <T> Uni<T> waitingOutOutages(Supplier<Uni<? extends T>> work, Consumer<Throwable> onRetry) {
        return Uni.createFrom().<T>deferred(work)
                .onFailure(DatabaseFailure::isUnavailable).invoke(onRetry)
                .onFailure(DatabaseFailure::isUnavailable).retry()
                .withBackOff(Duration.ofMillis(100), Duration.ofSeconds(5)).withJitter(0.2).indefinitely();
    }
}
