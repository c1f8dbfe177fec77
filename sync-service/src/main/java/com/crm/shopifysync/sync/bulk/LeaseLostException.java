package com.crm.shopifysync.sync.bulk;

import java.util.UUID;

/** The run is no longer this replica's (ended, or taken over by another one): it stops without writing anything. */
public class LeaseLostException extends RuntimeException {

    public LeaseLostException(UUID run) {
        super("sync " + run + " is no longer this replica's (it ended, or another replica took it over)");
    }
}
