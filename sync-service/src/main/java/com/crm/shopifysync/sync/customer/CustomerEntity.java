package com.crm.shopifysync.sync.customer;

import com.crm.shopifysync.sync.store.ShopResourceKey;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A row of {@code customers}, for reading; writes go through {@link CustomerRepository#upsert}. */
@Entity
@Table(name = "customers")
@IdClass(ShopResourceKey.class)
public class CustomerEntity extends PanacheEntityBase {

    @Id
    @Column(name = "shop_domain")
    public String shopDomain;
    @Id
    @Column(name = "shopify_id")
    public Long shopifyId;
    @Column(name = "admin_graphql_api_id")
    public String adminGraphqlApiId;
    public String email;
    @Column(name = "first_name")
    public String firstName;
    @Column(name = "last_name")
    public String lastName;
    public String phone;
    public String state;
    public String[] tags;
    public String note;
    @Column(name = "verified_email")
    public Boolean verifiedEmail;
    @Column(name = "tax_exempt")
    public Boolean taxExempt;
    @Column(name = "orders_count")
    public Integer ordersCount;
    @Column(name = "total_spent")
    public BigDecimal totalSpent;
    @Column(name = "total_spent_currency")
    public String totalSpentCurrency;
    @Column(name = "email_marketing_state")
    public String emailMarketingState;
    @Column(name = "email_marketing_opt_in_level")
    public String emailMarketingOptInLevel;
    @Column(name = "email_marketing_consent_updated_at")
    public OffsetDateTime emailMarketingConsentUpdatedAt;
    @Column(name = "sms_marketing_state")
    public String smsMarketingState;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "default_address")
    public JsonNode defaultAddress;
    @Column(name = "shopify_created_at")
    public OffsetDateTime shopifyCreatedAt;
    @Column(name = "shopify_updated_at")
    public OffsetDateTime shopifyUpdatedAt;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "shopify_payload")
    public JsonNode shopifyPayload;
    @Column(name = "deleted_at")
    public OffsetDateTime deletedAt;
    @Column(name = "first_synced_at")
    public OffsetDateTime firstSyncedAt;
    @Column(name = "last_synced_at")
    public OffsetDateTime lastSyncedAt;
    @Column(name = "crm_notes")
    public String crmNotes;
    @Column(name = "crm_tags")
    public String[] crmTags;
    @Column(name = "crm_owner")
    public String crmOwner;
    @Column(name = "crm_updated_at")
    public OffsetDateTime crmUpdatedAt;
}
