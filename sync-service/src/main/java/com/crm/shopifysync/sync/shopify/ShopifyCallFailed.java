package com.crm.shopifysync.sync.shopify;

/** A Shopify call or download that failed for good (after its retries); the sync fails resumably with this reason. */
public class ShopifyCallFailed extends RuntimeException {

    private final boolean permanent;

    public ShopifyCallFailed(String message, boolean permanent) {
        super(message);
        this.permanent = permanent;
    }

    public ShopifyCallFailed(String message, Throwable cause) {
        super(message, cause);
        this.permanent = false;
    }

    /** Retrying cannot help (access denied, invalid query): a person must act first. */
    public boolean permanent() {
        return permanent;
    }
}
