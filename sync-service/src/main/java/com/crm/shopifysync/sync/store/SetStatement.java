package com.crm.shopifysync.sync.store;

import io.smallrye.mutiny.Uni;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * One set-based statement and its rows as one JSON document ({@link RowsDocument}), bound as {@code :rows}. Built
 * apart from running it: building a poll's document is CPU work for a worker thread, running it is I/O for the
 * reactive session.
 */
public record SetStatement(String sql, String rows) {

    /** Runs the statement in the session's current transaction. */
    public Uni<Void> execute(Mutiny.Session session) {
        return session.createNativeQuery(sql).setParameter("rows", rows).executeUpdate().replaceWithVoid();
    }
}
