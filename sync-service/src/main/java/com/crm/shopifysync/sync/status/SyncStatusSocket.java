package com.crm.shopifysync.sync.status;

import com.crm.shopifysync.model.ShopDomains;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;

/**
 * {@code /ws/shops/{shop}/sync?ticket=…}: a shop's {@link SyncStatus} as JSON text messages, the current one on
 * connect and then every change. The ticket comes from {@code POST /api/shops/{shop}/sync/tickets}
 * ({@link StatusSocketAuthentication} refuses the upgrade without one). Clients send nothing.
 */
@WebSocket(path = "/ws/shops/{shop}/sync")
public class SyncStatusSocket {

    private final SyncStatusBroadcaster broadcaster;

    public SyncStatusSocket(SyncStatusBroadcaster broadcaster) {
        this.broadcaster = broadcaster;
    }

    @OnOpen
    @NonBlocking
    void onOpen(WebSocketConnection connection) {
        broadcaster.opened(shop(connection), connection);
    }

    @OnClose
    @NonBlocking
    void onClose(WebSocketConnection connection) {
        broadcaster.closed(shop(connection), connection);
    }

    private static String shop(WebSocketConnection connection) {
        return ShopDomains.normalize(connection.pathParam("shop"));
    }
}
