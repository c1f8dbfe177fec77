package com.crm.shopifysync.sync.status;

import com.crm.shopifysync.model.ShopDomains;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Refuses the status WebSocket's upgrade (401, before any frame) unless {@code ?ticket=} admits its shop. */
@ApplicationScoped
public class StatusSocketAuthentication implements HttpUpgradeCheck {

    private final StatusTickets tickets;

    public StatusSocketAuthentication(StatusTickets tickets) {
        this.tickets = tickets;
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        String shop = context.pathParam("shop");
        String ticket = context.httpRequest().getParam("ticket");
        if (shop != null && tickets.admits(ticket, ShopDomains.normalize(shop), Instant.now())) {
            return CheckResult.permitUpgrade();
        }
        return CheckResult.rejectUpgrade(401, Map.of("WWW-Authenticate", List.of("Ticket")));
    }
}
