package com.crm.shopifysync.sync.privacy;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/**
 * A row of {@code data_requests}: one customers/data_request webhook, for reading; the webhook consumer writes it. It holds
 * ids and times only: the export is read from the customer's rows when it is asked for.
 */
@Entity
@Table(name = "data_requests")
public class DataRequestEntity extends PanacheEntityBase {

    @Id
    public Long id;
    @Column(name = "shop_domain")
    public String shopDomain;
    @Column(name = "shopify_request_id")
    public Long shopifyRequestId;
    @Column(name = "customer_id")
    public Long customerId;
    @Column(name = "orders_requested")
    public Long[] ordersRequested;
    @Column(name = "requested_at")
    public OffsetDateTime requestedAt;
    @Column(name = "received_at")
    public OffsetDateTime receivedAt;
}
