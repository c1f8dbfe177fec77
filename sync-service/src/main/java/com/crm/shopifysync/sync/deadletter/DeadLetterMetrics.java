package com.crm.shopifysync.sync.deadletter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code sync_dead_letters_recorded_total} (every dead letter, whether it skipped the retries or spent them) and
 * {@code sync_dead_letters_replayed_total}, by webhook topic.
 */
@ApplicationScoped
public class DeadLetterMetrics {

    private final MeterRegistry registry;

    public DeadLetterMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void recorded(String topic) {
        Counter.builder("sync.dead.letters.recorded").description("Dead letters recorded in the database")
                .tag("topic", topic).register(registry).increment();
    }

    void replayed(String topic) {
        Counter.builder("sync.dead.letters.replayed").description("Dead letters republished to the webhooks topic")
                .tag("topic", topic).register(registry).increment();
    }
}
