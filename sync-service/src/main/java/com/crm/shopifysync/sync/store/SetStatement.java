package com.crm.shopifysync.sync.store;

import io.smallrye.mutiny.Uni;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * One set-based statement and its rows as one JSON document ({@link RowsDocument}), bound as {@code :rows}. Built
 * apart from running it: building a poll's document is CPU work for a worker thread, running it is I/O for the
 * reactive session.
 */
public record SetStatement(String sql, String rows, boolean query) {

    public SetStatement(String sql, String rows) {
        this(sql, rows, false);
    }

    /** A statement that is a query (a SELECT that locks rows or calls a function), run for its effect. */
    public static SetStatement query(String sql, String rows) {
        return new SetStatement(sql, rows, true);
    }

    /** Runs the statement in the session's current transaction. */
    public Uni<Void> execute(Mutiny.Session session) {
        return query ? session.createNativeQuery(sql).setParameter("rows", rows).getResultList().replaceWithVoid()
                : session.createNativeQuery(sql).setParameter("rows", rows).executeUpdate().replaceWithVoid();
    }
}
