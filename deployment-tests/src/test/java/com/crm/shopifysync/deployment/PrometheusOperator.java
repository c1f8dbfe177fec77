package com.crm.shopifysync.deployment;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;

/**
 * The part of the Prometheus operator's {@code monitoring.coreos.com/v1} PodMonitor that the deployment uses, typed
 * after its API reference (prometheus-operator.dev, "API reference"). Read strictly: a field it does not list fails.
 */
final class PrometheusOperator {

    private PrometheusOperator() {
    }

    record PodMonitor(String apiVersion, String kind, ObjectMeta metadata, PodMonitorSpec spec) {
    }

    record PodMonitorSpec(LabelSelector selector, List<PodMetricsEndpoint> podMetricsEndpoints) {
    }

    record PodMetricsEndpoint(String port, String path, String interval, String scheme) {
    }
}
