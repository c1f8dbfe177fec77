package com.crm.shopifysync.sync.customer;

import static com.crm.shopifysync.sync.store.ColumnOwnership.CUSTOMER_SHOPIFY_OWNED;

import com.crm.shopifysync.sync.shopify.ShopifyCustomer;
import com.crm.shopifysync.sync.shopify.ShopifyPayload;
import com.crm.shopifysync.sync.store.ColumnOwnership.Column;
import com.crm.shopifysync.sync.store.CopyStaging;
import com.crm.shopifysync.sync.store.Deduplication;
import com.crm.shopifysync.sync.store.LastWriteWinsUpsert;
import com.crm.shopifysync.sync.store.RowsDocument;
import com.crm.shopifysync.sync.store.ShopResourceKey;
import com.crm.shopifysync.sync.store.Sql;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

@ApplicationScoped
public class CustomerRepository implements PanacheRepositoryBase<CustomerEntity, ShopResourceKey> {

    private static final LastWriteWinsUpsert UPSERT = new LastWriteWinsUpsert("customers", CUSTOMER_SHOPIFY_OWNED);

    /** The bulk import's rows: COPY into this staging table, then {@link #BULK_UPSERT} from it (same rules as UPSERT). */
    public static final CopyStaging BULK_STAGING = new CopyStaging("bulk_customers", CUSTOMER_SHOPIFY_OWNED);
    public static final String BULK_UPSERT = LastWriteWinsUpsert.fromStaging(BULK_STAGING, "customers", CUSTOMER_SHOPIFY_OWNED,
            Optional.empty());
    /** New customers of a bulk batch (none of them in the table yet) are copied straight in. */
    public static final CopyStaging BULK_NEW = CopyStaging.direct("customers", CUSTOMER_SHOPIFY_OWNED);

    private static final List<Column> DELETION = List.of(new Column("shopify_payload", "jsonb"),
            new Column("shopify_payload_sha256", "text"), new Column("deleted_at", "timestamptz"));

    /**
     * Soft delete: the row is kept and flagged. A delete that arrives before the customer itself leaves a flagged
     * placeholder, so the customer stays hidden whatever arrives later; upserts never touch {@code deleted_at}.
     */
    private static final String SOFT_DELETE = Sql.incomingRows(DELETION)
            + ", winners AS (SELECT DISTINCT ON (shop_domain, shopify_id) * FROM incoming WHERE " + Sql.IS_FRESH_EVENT
            + " ORDER BY shop_domain, shopify_id, deleted_at) "
            + "INSERT INTO customers AS existing (shop_domain, shopify_id, admin_graphql_api_id, shopify_payload, shopify_payload_sha256, deleted_at) "
            + "SELECT shop_domain, shopify_id, 'gid://shopify/Customer/' || shopify_id, shopify_payload, shopify_payload_sha256, deleted_at "
            + "FROM winners ON CONFLICT (shop_domain, shopify_id) DO UPDATE SET "
            + "deleted_at = COALESCE(existing.deleted_at, EXCLUDED.deleted_at), last_synced_at = now()";

    /** Applies the customers (last write wins) in the session's transaction. */
    public Uni<Void> upsert(List<RowsDocument.Row> customers) {
        return getSession().chain(session -> UPSERT.execute(session, customers));
    }

    /** Soft-deletes the customers in the session's transaction. */
    public Uni<Void> softDelete(List<RowsDocument.Row> deletions) {
        if (deletions.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return getSession().chain(session -> session.createNativeQuery(SOFT_DELETE)
                .setParameter("rows", RowsDocument.of(deletions, DELETION)).executeUpdate().replaceWithVoid());
    }

    public static RowsDocument.Row row(String shopDomain, ShopifyCustomer customer, Optional<Deduplication> deduplication) {
        return new RowsDocument.Row(shopDomain, customer.shopifyId(), values(customer), deduplication);
    }

    public static RowsDocument.Row deletion(String shopDomain, long shopifyId, ShopifyPayload payload, OffsetDateTime deletedAt,
                                            Deduplication deduplication) {
        Map<String, Object> values = new HashMap<>();
        values.put("shopify_payload", payload.json());
        values.put("shopify_payload_sha256", payload.sha256());
        values.put("deleted_at", deletedAt);
        return new RowsDocument.Row(shopDomain, shopifyId, values, Optional.of(deduplication));
    }

    public Uni<List<CustomerEntity>> listByShop(String shopDomain, boolean includeDeleted, Page page) {
        return find(activeFilter(includeDeleted), Sort.by("shopifyId"), shopDomain).page(page).list();
    }

    public Uni<Long> countByShop(String shopDomain, boolean includeDeleted) {
        return count(activeFilter(includeDeleted), shopDomain);
    }

    private static String activeFilter(boolean includeDeleted) {
        return includeDeleted ? "shopDomain = ?1" : "shopDomain = ?1 and deletedAt is null";
    }

    private static Map<String, Object> values(ShopifyCustomer customer) {
        Map<String, Object> values = new HashMap<>();
        values.put("admin_graphql_api_id", customer.adminGraphqlApiId());
        values.put("email", customer.email());
        values.put("first_name", customer.firstName());
        values.put("last_name", customer.lastName());
        values.put("phone", customer.phone());
        values.put("state", customer.state());
        values.put("tags", customer.tags());
        values.put("note", customer.note());
        values.put("verified_email", customer.verifiedEmail());
        values.put("tax_exempt", customer.taxExempt());
        values.put("orders_count", customer.ordersCount() == null ? null : Math.toIntExact(customer.ordersCount()));
        values.put("total_spent", customer.totalSpent());
        values.put("total_spent_currency", customer.totalSpentCurrency());
        values.put("email_marketing_state", customer.emailMarketingState());
        values.put("email_marketing_opt_in_level", customer.emailMarketingOptInLevel());
        values.put("email_marketing_consent_updated_at", customer.emailMarketingConsentUpdatedAt());
        values.put("sms_marketing_state", customer.smsMarketingState());
        values.put("default_address", customer.defaultAddressJson());
        values.put("shopify_created_at", customer.createdAt());
        values.put("shopify_updated_at", customer.updatedAt());
        values.put("shopify_payload", customer.payload().json());
        values.put("shopify_payload_sha256", customer.payload().sha256());
        return values;
    }
}
