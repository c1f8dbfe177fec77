package com.crm.shopifysync.deployment;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.Map;

/**
 * The part of CloudNativePG's {@code postgresql.cnpg.io/v1} Cluster that the deployment uses, typed after its API
 * reference (cloudnative-pg.io/documentation, "API Reference"): CloudNativePG publishes no Java model. Read strictly:
 * a field it does not list fails.
 */
final class CloudNativePg {

    private CloudNativePg() {
    }

    record Cluster(String apiVersion, String kind, ObjectMeta metadata, ClusterSpec spec) {
    }

    record ClusterSpec(Integer instances, String imageName, String primaryUpdateStrategy, Bootstrap bootstrap,
                       PostgresConfiguration postgresql, Storage storage, ResourceRequirements resources, Monitoring monitoring) {
    }

    record Bootstrap(InitDb initdb) {
    }

    record InitDb(String database, String owner, SecretReference secret) {
    }

    record SecretReference(String name) {
    }

    record PostgresConfiguration(Map<String, String> parameters) {
    }

    record Storage(String size, String storageClass) {
    }

    record Monitoring(Boolean enablePodMonitor) {
    }
}
