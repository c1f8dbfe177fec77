package com.crm.shopifysync.sync.shopify;

/**
 * How a client authenticates to one shop's Admin API: an access token (a configured one, or a connected shop's, refreshed
 * before it expires), and another one after Shopify refused it. Called from worker threads: both may block.
 */
public interface AdminApiAccess {

    String accessToken();

    /**
     * A token to try instead of {@code rejected} (refreshed, unless another replica refreshed it already).
     *
     * @throws ShopifyCallFailed permanent, when none can be had: a person must reconnect the shop
     */
    String afterRejection(String rejected);

    /** A token that never changes (a custom app's admin-created token): a refusal is final. */
    static AdminApiAccess fixed(String shop, String token) {
        return new AdminApiAccess() {
            @Override
            public String accessToken() {
                return token;
            }

            @Override
            public String afterRejection(String rejected) {
                throw new ShopifyCallFailed("Shopify refused the access token of " + shop + " (HTTP 401): check its configured token", true);
            }
        };
    }
}
