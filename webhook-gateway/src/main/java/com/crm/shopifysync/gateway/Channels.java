package com.crm.shopifysync.gateway;

/** Reactive Messaging channel names of the gateway (their topics are set in application.properties). */
final class Channels {

    /** Verified webhooks, to {@link com.crm.shopifysync.model.Topics#WEBHOOKS}. */
    static final String WEBHOOKS = "webhooks";

    private Channels() {
    }
}
