package com.crm.shopifysync.sync;

import static io.restassured.RestAssured.given;

/** Reads the running service's {@code /q/metrics} as an operator's Prometheus would. */
public final class Metrics {

    private Metrics() {
    }

    /** The sum of every series whose line starts with {@code prefix}, e.g. {@code sync_webhook_events_total{outcome="retried"}. */
    public static double sum(String prefix) {
        return given().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(line -> line.startsWith(prefix))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }
}
