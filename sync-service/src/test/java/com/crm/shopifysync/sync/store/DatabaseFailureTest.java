package com.crm.shopifysync.sync.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each failure a database call can end with, from each client, means what it should for the work that made it. */
class DatabaseFailureTest {

    static Stream<Arguments> failures() {
        return Stream.of(
                // PostgreSQL away or going away: wait and try the same work again
                Arguments.of("connection refused", new ConnectException("Connection refused"), DatabaseFailure.UNAVAILABLE),
                Arguments.of("connection dropped mid-query", ClosedConnectionException.INSTANCE, DatabaseFailure.UNAVAILABLE),
                Arguments.of("admin shutdown (57P01)", pg("57P01"), DatabaseFailure.UNAVAILABLE),
                Arguments.of("too many connections (53300)", pg("53300"), DatabaseFailure.UNAVAILABLE),
                Arguments.of("connection failure over JDBC (08006)", new SQLException("I/O error", "08006"), DatabaseFailure.UNAVAILABLE),
                Arguments.of("Hibernate Reactive's closed connection", new IllegalStateException("HR000089: Connection is closed"),
                        DatabaseFailure.UNAVAILABLE),
                Arguments.of("the pool's lease timeout", new io.vertx.core.impl.NoStackTraceThrowable("Timeout"), DatabaseFailure.UNAVAILABLE),
                Arguments.of("wrapped twice", new CompletionException(new RuntimeException(new ConnectException("Connection refused"))),
                        DatabaseFailure.UNAVAILABLE),
                // the data itself: never succeeds, set it aside
                Arguments.of("NUL in jsonb (22P05)", pg("22P05"), DatabaseFailure.REFUSED),
                Arguments.of("NUL byte in COPY (22021), inside COPY's wrapper",
                        new SQLException("COPY failed", new java.io.IOException(new SQLException("invalid byte sequence", "22021"))),
                        DatabaseFailure.REFUSED),
                Arguments.of("not-null violation (23502)", pg("23502"), DatabaseFailure.REFUSED),
                // the schema or permissions not what the code expects (a deployment problem), or the work's own resources
                Arguments.of("undefined column (42703)", new SQLException("column does not exist", "42703"), DatabaseFailure.TRANSIENT),
                Arguments.of("permission denied (42501)", pg("42501"), DatabaseFailure.TRANSIENT),
                Arguments.of("out of memory (53200)", pg("53200"), DatabaseFailure.TRANSIENT),
                Arguments.of("malformed JSON in our own code", new com.fasterxml.jackson.core.JsonParseException(null, "unexpected"),
                        DatabaseFailure.TRANSIENT),
                // contention: worth retrying later
                Arguments.of("lock timeout (55P03)", pg("55P03"), DatabaseFailure.TRANSIENT),
                Arguments.of("deadlock (40P01)", pg("40P01"), DatabaseFailure.TRANSIENT),
                Arguments.of("anything else", new IllegalArgumentException("surprise"), DatabaseFailure.TRANSIENT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void classifies(String what, Throwable failure, DatabaseFailure expected) {
        assertThat(DatabaseFailure.of(failure)).isEqualTo(expected);
    }

    private static PgException pg(String sqlState) {
        return new PgException("from PostgreSQL", "ERROR", sqlState, "detail");
    }
}
