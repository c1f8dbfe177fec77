package com.crm.shopifysync.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimulatorMainTest {

    @Test
    void aTokenLifetimeIsReadAsIso8601OrAsSeconds() {
        assertThat(Main.duration("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThat(Main.duration(" 120 ")).isEqualTo(Duration.ofMinutes(2));
    }
}
