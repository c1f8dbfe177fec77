package com.crm.shopifysync.sync.store;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Tells a database that is unreachable or overloaded (wait and try the same event again: every event
 * would fail the same way) from a failure of this event.
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

    /** SQLSTATE classes 08 (connection), 53 (resources), 57P (shutdown), and 40001/40P01 (retry the transaction). */
    private static boolean isUnavailableState(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("53") || sqlState.startsWith("57P")
                || sqlState.equals("40001") || sqlState.equals("40P01"));
    }
}
