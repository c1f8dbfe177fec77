package com.crm.shopifysync.sync;

import static io.restassured.RestAssured.given;

import com.crm.shopifysync.testing.PrometheusText;

/** Reads the running service's {@code /q/metrics} as an operator's Prometheus would. */
public final class Metrics {

    private Metrics() {
    }

    /** The sum of every series whose line starts with {@code prefix}, e.g. {@code sync_webhook_events_total{outcome="retried"}. */
    public static double sum(String prefix) {
        return PrometheusText.sum(given().get("/q/metrics").then().statusCode(200).extract().asString(), prefix, "");
    }
}
