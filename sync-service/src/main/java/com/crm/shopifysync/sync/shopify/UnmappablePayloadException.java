package com.crm.shopifysync.sync.shopify;

/** A Shopify payload that can never be applied as it is (not JSON, no id, an unparseable value). */
public class UnmappablePayloadException extends RuntimeException {

    public UnmappablePayloadException(String message) {
        super(message);
    }

    public UnmappablePayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
