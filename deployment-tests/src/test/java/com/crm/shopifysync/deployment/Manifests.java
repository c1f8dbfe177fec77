package com.crm.shopifysync.deployment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Renders a kustomize overlay with {@code kubectl kustomize} (the kustomize built into kubectl) and reads every object
 * into its typed model: fabric8's for Kubernetes, Strimzi's own API classes, and {@link CloudNativePg} /
 * {@link PrometheusOperator} for the two operators without a Java model on Maven Central. The models keep unknown
 * fields aside instead of failing, so strictness is checked by writing each object back without them: whatever the
 * manifest says that the model does not know shows up as a difference.
 */
final class Manifests {

    /** A rendered object: its kind, name and the YAML as given, and the typed object it was read into. */
    record RenderedObject(String apiVersion, String kind, String name, JsonNode yaml, Object typed) {
    }

    static final Map<String, Class<?>> MODELS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("kafka.strimzi.io/v1beta2/Kafka", Kafka.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaNodePool", KafkaNodePool.class),
            Map.entry("kafka.strimzi.io/v1/KafkaTopic", KafkaTopic.class),
            Map.entry("postgresql.cnpg.io/v1/Cluster", CloudNativePg.Cluster.class),
            Map.entry("monitoring.coreos.com/v1/PodMonitor", PrometheusOperator.PodMonitor.class));

    private static final YAMLMapper YAML = new YAMLMapper(new YAMLFactory());
    private static final ObjectMapper READER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /** Writes a model back without the unknown fields it kept aside. */
    private static final ObjectMapper KNOWN_FIELDS_ONLY = new ObjectMapper().setAnnotationIntrospector(new JacksonAnnotationIntrospector() {
        @Override
        public Boolean hasAnyGetter(Annotated annotated) {
            return false;
        }

        /** Every known property, defaults and empty values included: a field left at its default is still known. */
        @Override
        public JsonInclude.Value findPropertyInclusion(Annotated annotated) {
            return JsonInclude.Value.construct(JsonInclude.Include.ALWAYS, JsonInclude.Include.ALWAYS);
        }
    });

    private Manifests() {
    }

    static String render(Path kustomization) throws IOException, InterruptedException {
        Process kubectl = new ProcessBuilder("kubectl", "kustomize", kustomization.toString()).redirectErrorStream(true).start();
        byte[] output = kubectl.getInputStream().readAllBytes();
        if (!kubectl.waitFor(2, TimeUnit.MINUTES) || kubectl.exitValue() != 0) {
            throw new IllegalStateException("kubectl kustomize " + kustomization + " failed:\n" + new String(output, StandardCharsets.UTF_8));
        }
        return new String(output, StandardCharsets.UTF_8);
    }

    static List<JsonNode> documents(String yaml) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(yaml)) {
            Iterator<JsonNode> iterator = YAML.readValues(parser, JsonNode.class);
            iterator.forEachRemaining(node -> {
                if (node != null && !node.isEmpty()) {
                    documents.add(node);
                }
            });
        }
        return documents;
    }

    /** Reads a document into its model; a kind without a model is an error. */
    static RenderedObject typed(JsonNode yaml) throws IOException {
        String apiVersion = yaml.path("apiVersion").asText();
        String kind = yaml.path("kind").asText();
        Class<?> model = MODELS.get(apiVersion + "/" + kind);
        if (model == null) {
            throw new IllegalArgumentException("no model for " + apiVersion + " " + kind + " (" + yaml.path("metadata").path("name") + ")");
        }
        return new RenderedObject(apiVersion, kind, yaml.path("metadata").path("name").asText(), yaml, READER.treeToValue(yaml, model));
    }

    /** The paths of everything the manifest says that its model does not know (or reads differently). */
    static List<String> unknownFields(RenderedObject object) {
        List<String> unknown = new ArrayList<>();
        compare(object.yaml(), KNOWN_FIELDS_ONLY.valueToTree(object.typed()), object.kind() + "/" + object.name(), unknown);
        return unknown;
    }

    private static void compare(JsonNode given, JsonNode known, String path, List<String> unknown) {
        if (given.isObject()) {
            given.fields().forEachRemaining(field -> {
                JsonNode counterpart = known == null ? null : known.get(field.getKey());
                if (counterpart == null || counterpart.isNull() && !field.getValue().isNull()) {
                    unknown.add(path + "." + field.getKey());
                } else {
                    compare(field.getValue(), counterpart, path + "." + field.getKey(), unknown);
                }
            });
        } else if (given.isArray()) {
            if (known == null || !known.isArray() || known.size() != given.size()) {
                unknown.add(path + " (list read differently)");
                return;
            }
            for (int i = 0; i < given.size(); i++) {
                compare(given.get(i), known.get(i), path + "[" + i + "]", unknown);
            }
        } else if (known == null || !given.asText().equals(known.asText())) {
            unknown.add(path + " = " + given + " (read as " + known + ")");
        }
    }
}
