package com.crm.shopifysync.sync.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.testing.KafkaTestResource;
import com.crm.shopifysync.testing.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scheduled purge forgets processed events older than the retention and keeps the recent ones. */
@QuarkusTest
@TestProfile(ProcessedWebhookRetentionTest.EverySecond.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class ProcessedWebhookRetentionTest {

    public static class EverySecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sync.webhooks.dedup-purge-every", "1s", "sync.webhooks.dedup-purge-delay", "1s");
        }
    }

    @Test
    void eventsOlderThanTheRetentionAreForgottenAndRecentOnesKept() throws SQLException {
        PostgresTestResource.execute("INSERT INTO processed_webhooks (shop_domain, topic, deduplication_key, processed_at) VALUES "
                + "('retention.myshopify.com', 'customers/update', 'event:old', now() - interval '31 days'), "
                + "('retention.myshopify.com', 'customers/update', 'event:recent', now() - interval '1 day')");

        await().atMost(Duration.ofSeconds(20)).until(() -> PostgresTestResource.count(
                "SELECT count(*) FROM processed_webhooks WHERE deduplication_key = 'event:old'") == 0);

        assertThat(PostgresTestResource.count("SELECT count(*) FROM processed_webhooks WHERE deduplication_key = 'event:recent'"))
                .isEqualTo(1);
    }
}
