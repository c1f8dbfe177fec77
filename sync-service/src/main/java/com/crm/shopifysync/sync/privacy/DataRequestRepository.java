package com.crm.shopifysync.sync.privacy;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class DataRequestRepository implements PanacheRepositoryBase<DataRequestEntity, Long> {

    /** The shop's data requests, newest first. */
    public Uni<List<DataRequestEntity>> listByShop(String shopDomain) {
        return list("shopDomain", Sort.by("requestedAt", Sort.Direction.Descending).and("id", Sort.Direction.Descending), shopDomain);
    }

    /** A data request of this shop; none for an unknown id or another shop's request. */
    public Uni<Optional<DataRequestEntity>> findOfShop(String shopDomain, long id) {
        return find("id = ?1 and shopDomain = ?2", id, shopDomain).firstResult().map(Optional::ofNullable);
    }
}
