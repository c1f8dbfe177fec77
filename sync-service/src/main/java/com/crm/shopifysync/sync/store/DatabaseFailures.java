package com.crm.shopifysync.sync.store;

import io.vertx.pgclient.PgException;
import org.hibernate.JDBCException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Tells a database that is unreachable or overloaded (wait and try the same event again: every event
 * would fail the same way), a statement PostgreSQL will refuse however often it is tried (the data breaks
 * a type or a constraint), and everything else (a lock or statement timeout, a deadlock: worth retrying later).
 */
public final class DatabaseFailures {

    private DatabaseFailures() {
    }

    public static boolean isUnavailable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException || cause instanceof ClosedConnectionException
                    || cause instanceof TimeoutException || cause instanceof io.smallrye.mutiny.TimeoutException) {
                return true;
            }
            if (cause instanceof PgException pg && isUnavailableState(pg.getSqlState())) {
                return true;
            }
            // Vert.x reports a refused or timed-out pool connection with exceptions that carry no stable type
            String message = String.valueOf(cause.getMessage());
            if (message.contains("Connection refused") || message.contains("connection closed")
                    || message.contains("Timeout while waiting for a connection") || message.contains("Connection is closed")) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    /** SQLSTATE classes 22 (data exception), 23 (integrity constraint violation), 42 (syntax or access rule). */
    public static boolean isRefused(Throwable failure) {
        for (Throwable cause = failure; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            String state = cause instanceof JDBCException jdbc ? jdbc.getSQLState()
                    : cause instanceof PgException pg ? pg.getSqlState() : null;
            if (state != null) {
                return state.startsWith("22") || state.startsWith("23") || state.startsWith("42");
            }
        }
        return false;
    }

    /** SQLSTATE classes 08 (connection), 53 (resources), 57P (shutdown). */
    private static boolean isUnavailableState(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("53") || sqlState.startsWith("57P"));
    }
}
