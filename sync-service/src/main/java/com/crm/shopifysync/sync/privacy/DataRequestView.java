package com.crm.shopifysync.sync.privacy;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

/**
 * A customers/data_request as the admin API shows it. {@code dueBy}: the merchant must give the customer their data within
 * 30 days of Shopify's request. Ids are strings (64-bit).
 */
public record DataRequestView(
        String id,
        String shopifyRequestId,
        String customerId,
        List<String> ordersRequested,
        OffsetDateTime requestedAt,
        OffsetDateTime receivedAt,
        OffsetDateTime dueBy) {

    /** Shopify's deadline for answering a data request. */
    public static final Duration ANSWER_WITHIN = Duration.ofDays(30);

    static DataRequestView of(DataRequestEntity request) {
        List<String> orders = request.ordersRequested == null ? List.of()
                : Arrays.stream(request.ordersRequested).map(String::valueOf).toList();
        return new DataRequestView(String.valueOf(request.id), String.valueOf(request.shopifyRequestId),
                String.valueOf(request.customerId), orders, request.requestedAt, request.receivedAt,
                request.requestedAt.plus(ANSWER_WITHIN));
    }
}
