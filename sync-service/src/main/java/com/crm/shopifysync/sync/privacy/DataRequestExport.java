package com.crm.shopifysync.sync.privacy;

import com.crm.shopifysync.sync.customer.CustomerView;
import com.crm.shopifysync.sync.order.OrderView;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Everything the CRM stores about a data request's customer, read when the export is asked for: the customer and orders
 * exactly as {@code GET …/customers/{id}} and {@code …/orders/{id}} show them ({@code customer} is null when no row of
 * the customer is stored), and the dead letters about the customer or one of the orders.
 */
public record DataRequestExport(DataRequestView request, CustomerView customer, List<OrderView> orders,
                                List<DeadLetterAbout> deadLetters) {

    /** A webhook about the customer that could not be applied: its payload as JSON, or as text when it is no JSON. */
    public record DeadLetterAbout(String id, String topic, String reason, String state, OffsetDateTime firstFailedAt,
                                  OffsetDateTime lastFailedAt, JsonNode payload) {
    }
}
