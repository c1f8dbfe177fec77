package com.crm.shopifysync.sync.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A row of {@code dead_letters}: one webhook event that could not be applied. */
@Entity
@Table(name = "dead_letters")
public class DeadLetterEntity extends PanacheEntityBase {

    public static final String DEAD = "dead";
    public static final String REPLAYED = "replayed";
    public static final String DISCARDED = "discarded";

    @Id
    public Long id;
    @Column(name = "shop_domain")
    public String shopDomain;
    public String topic;
    @Column(name = "deduplication_key")
    public String deduplicationKey;
    @Column(name = "event_id")
    public String eventId;
    @Column(name = "webhook_id")
    public String webhookId;
    @Column(name = "record_key")
    public String recordKey;
    public byte[] payload;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "delivery_headers")
    public JsonNode deliveryHeaders;
    public String reason;
    public String exception;
    public int attempts;
    @Column(name = "original_position")
    public String originalPosition;
    @Column(name = "first_failed_at")
    public OffsetDateTime firstFailedAt;
    @Column(name = "last_failed_at")
    public OffsetDateTime lastFailedAt;
    public String state;
    @Column(name = "state_changed_at")
    public OffsetDateTime stateChangedAt;
}
