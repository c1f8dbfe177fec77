package com.crm.shopifysync.simulator;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** The records a simulated shop holds, in Shopify's own terms; {@link Shapes} renders them as the API does. */
public final class StoreData {

    private StoreData() {
    }

    public record Address(long id, String firstName, String lastName, String address1, String city, String province,
                          String provinceCode, String country, String countryCode, String zip, String phone) {
    }

    /** {@code offset} is the UTC offset the shop renders this record's REST timestamps in. */
    public record Customer(long id, String firstName, String lastName, String email, String phone, String state,
                           List<String> tags, String note, boolean verifiedEmail, boolean taxExempt, String currency,
                           Address defaultAddress, String emailMarketingState, String smsMarketingState, long ordersCount,
                           BigDecimal amountSpent, Instant createdAt, Instant updatedAt, ZoneOffset offset) {

        public Customer withChanges(String firstName, String lastName, String email, String note, List<String> tags,
                                    Instant updatedAt) {
            return new Customer(id, firstName, lastName, email, phone, state, tags, note, verifiedEmail, taxExempt, currency,
                    defaultAddress, emailMarketingState, smsMarketingState, ordersCount, amountSpent, createdAt, updatedAt, offset);
        }

        public Customer withMarketingConsent(String emailMarketingState, String smsMarketingState, Instant updatedAt) {
            return new Customer(id, firstName, lastName, email, phone, state, tags, note, verifiedEmail, taxExempt, currency,
                    defaultAddress, emailMarketingState, smsMarketingState, ordersCount, amountSpent, createdAt, updatedAt, offset);
        }

        public Customer withOrder(BigDecimal total, Instant updatedAt) {
            return new Customer(id, firstName, lastName, email, phone, state, tags, note, verifiedEmail, taxExempt, currency,
                    defaultAddress, emailMarketingState, smsMarketingState, ordersCount + 1, amountSpent.add(total), createdAt, updatedAt,
                    offset);
        }
    }

    public record LineItem(long id, long productId, long variantId, String title, String variantTitle, String sku,
                           String vendor, int quantity, BigDecimal price, BigDecimal totalDiscount) {
    }

    /** Statuses are GraphQL enum names (PAID, FULFILLED, ...); REST renders them as Shopify's REST does. */
    public record Order(long id, long number, Long customerId, String email, String financialStatus,
                        String fulfillmentStatus, String currency, BigDecimal totalPrice, BigDecimal subtotalPrice,
                        BigDecimal totalTax, BigDecimal totalDiscounts, List<String> tags, String cancelReason,
                        Instant createdAt, Instant updatedAt, Instant processedAt, Instant cancelledAt, Instant closedAt,
                        ZoneOffset offset, List<LineItem> lineItems) {

        public String name() {
            return "#" + (number + 1000);
        }

        public Order withChanges(List<String> tags, String cancelReason, Instant cancelledAt, String financialStatus,
                                 Instant updatedAt) {
            return new Order(id, number, customerId, email, financialStatus, fulfillmentStatus, currency, totalPrice,
                    subtotalPrice, totalTax, totalDiscounts, tags, cancelReason, createdAt, updatedAt, processedAt,
                    cancelledAt, closedAt, offset, lineItems);
        }
    }
}
