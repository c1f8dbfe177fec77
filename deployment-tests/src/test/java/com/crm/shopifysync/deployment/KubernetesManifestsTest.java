package com.crm.shopifysync.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.crm.shopifysync.deployment.Manifests.RenderedObject;
import com.crm.shopifysync.testing.RepositoryRoot;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every overlay of {@code deploy/k8s} renders, every object reads strictly into its model, and the deployment agrees
 * with the code: probes on the services' health endpoints and ports, a KafkaTopic for each topic the services use
 * and none other, secrets only by reference, the sync-service's autoscaling ceiling at the partition count.
 */
class KubernetesManifestsTest {

    static final Path K8S = RepositoryRoot.find().resolve("deploy/k8s");

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyObjectReadsStrictlyIntoItsModel(String overlay) throws Exception {
        List<RenderedObject> objects = render(overlay);
        assertThat(objects).extracting(RenderedObject::kind).contains("Namespace", "Deployment", "Service", "ServiceAccount",
                "ConfigMap", "PodDisruptionBudget", "HorizontalPodAutoscaler", "Ingress", "NetworkPolicy", "Kafka",
                "KafkaNodePool", "KafkaTopic", "Cluster", "PodMonitor");
        for (RenderedObject object : objects) {
            assertThat(Manifests.unknownFields(object)).as("fields of %s/%s its model does not know", object.kind(), object.name()).isEmpty();
        }
    }

    @Test
    void aMisspelledFieldIsCaughtWhicheverModelReadsIt() throws Exception {
        JsonNode topic = Manifests.documents("apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\nmetadata:\n  name: t\nspec:\n  partitons: 3\n").get(0);
        assertThat(Manifests.unknownFields(Manifests.typed(topic))).containsExactly("KafkaTopic/t.spec.partitons");
        JsonNode deployment = Manifests.documents("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replica: 2\n").get(0);
        assertThat(Manifests.unknownFields(Manifests.typed(deployment))).containsExactly("Deployment/d.spec.replica");
        JsonNode cluster = Manifests.documents("apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata:\n  name: c\nspec:\n  instance: 3\n").get(0);
        assertThatThrownBy(() -> Manifests.typed(cluster)).hasMessageContaining("instance");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void probesPointAtTheHealthEndpointsOnAContainerPort(String overlay) throws Exception {
        for (Deployment deployment : typed(render(overlay), Deployment.class)) {
            for (Container container : deployment.getSpec().getTemplate().getSpec().getContainers()) {
                Set<String> ports = container.getPorts().stream().map(ContainerPort::getName).collect(Collectors.toSet());
                assertProbe(container.getStartupProbe(), "/q/health/started", ports);
                assertProbe(container.getReadinessProbe(), "/q/health/ready", ports);
                assertProbe(container.getLivenessProbe(), "/q/health/live", ports);
                assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
                assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
                assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
                assertThat(container.getResources().getLimits()).containsKey("memory");
            }
            assertThat(deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
                    .as("%s never drops below capacity during a rollout", deployment.getMetadata().getName()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyTopicTheServicesUseHasAKafkaTopicAndViceVersa(String overlay) throws Exception {
        List<KafkaTopic> topics = typed(render(overlay), KafkaTopic.class);
        Set<String> declared = topics.stream().map(topic -> topic.getSpec().getTopicName()).collect(Collectors.toCollection(TreeSet::new));
        assertThat(declared).isEqualTo(topicsInConfiguration());
        if (overlay.equals("prod")) {
            assertThat(topics).allSatisfy(topic -> {
                assertThat(topic.getSpec().getReplicas()).isEqualTo(3);
                assertThat(topic.getSpec().getConfig()).containsEntry("min.insync.replicas", 2).containsKey("retention.ms");
            });
        }
    }

    /**
     * Reactive Messaging's delayed-retry strategy writes a failed record to the partition of the same number as the one it
     * was read from, in the retry topics and then the dead-letter topic: with fewer partitions there, the records of the
     * others could never be retried, and the channel would stop.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theRetryAndDeadLetterTopicsHaveEveryPartitionTheWebhooksTopicHas(String overlay) throws Exception {
        List<KafkaTopic> topics = typed(render(overlay), KafkaTopic.class);
        int partitions = topics.stream().filter(topic -> topic.getSpec().getTopicName().equals("shopify.webhooks"))
                .findFirst().orElseThrow().getSpec().getPartitions();
        assertThat(topics.stream().filter(topic -> topic.getSpec().getTopicName().startsWith("shopify.webhooks.")))
                .hasSize(5).allSatisfy(topic -> assertThat(topic.getSpec().getPartitions()).as(topic.getSpec().getTopicName())
                        .isGreaterThanOrEqualTo(partitions));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theSyncServiceScalesNoFurtherThanThePartitionsOfTheWebhooksTopic(String overlay) throws Exception {
        List<RenderedObject> objects = render(overlay);
        int partitions = typed(objects, KafkaTopic.class).stream().filter(topic -> topic.getSpec().getTopicName().equals("shopify.webhooks"))
                .findFirst().orElseThrow().getSpec().getPartitions();
        HorizontalPodAutoscaler sync = typed(objects, HorizontalPodAutoscaler.class).stream()
                .filter(hpa -> hpa.getSpec().getScaleTargetRef().getName().equals("sync-service")).findFirst().orElseThrow();
        assertThat(sync.getSpec().getMaxReplicas()).isLessThanOrEqualTo(partitions);
        Set<String> deployments = typed(objects, Deployment.class).stream().map(d -> d.getMetadata().getName()).collect(Collectors.toSet());
        assertThat(typed(objects, HorizontalPodAutoscaler.class)).extracting(hpa -> hpa.getSpec().getScaleTargetRef().getName())
                .containsExactlyInAnyOrderElementsOf(deployments);
        assertThat(typed(objects, PodDisruptionBudget.class)).extracting(pdb -> pdb.getSpec().getSelector().getMatchLabels().get("app.kubernetes.io/name"))
                .containsExactlyInAnyOrderElementsOf(deployments);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void noSecretCarriesAValueAndEverySecretReferenceIsDocumented(String overlay) throws Exception {
        List<RenderedObject> objects = render(overlay);
        assertThat(objects).extracting(RenderedObject::kind).doesNotContain("Secret");
        String documentation = Files.readString(K8S.resolve("overlays").resolve(overlay).resolve("kustomization.yaml"));
        for (Deployment deployment : typed(objects, Deployment.class)) {
            for (EnvVar variable : deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
                if (variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() != null) {
                    String secret = variable.getValueFrom().getSecretKeyRef().getName();
                    String key = variable.getValueFrom().getSecretKeyRef().getKey();
                    assertThat(documentation).as("the overlay documents secret %s", secret).contains(secret);
                    if (!secret.equals("sync-db-app")) {
                        assertThat(documentation).as("the overlay documents key %s of %s", key, secret).contains("key \"" + key + "\"");
                    }
                } else {
                    assertThat(variable.getName()).as("a literal value").doesNotContainIgnoringCase("secret")
                            .doesNotContainIgnoringCase("token").doesNotContainIgnoringCase("password");
                }
            }
        }
        for (RenderedObject object : objects) {
            if (object.kind().equals("ConfigMap")) {
                object.yaml().path("data").fieldNames().forEachRemaining(name -> assertThat(name)
                        .doesNotContainIgnoringCase("secret").doesNotContainIgnoringCase("token").doesNotContainIgnoringCase("password"));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void onlyTheWebhookPathIsPublicAndEverythingElseIsDenied(String overlay) throws Exception {
        List<RenderedObject> objects = render(overlay);
        Ingress gateway = typed(objects, Ingress.class).stream().filter(i -> i.getMetadata().getName().equals("webhook-gateway")).findFirst().orElseThrow();
        assertThat(gateway.getSpec().getTls()).isNotEmpty();
        assertThat(gateway.getSpec().getRules().stream().flatMap(rule -> rule.getHttp().getPaths().stream())
                .map(path -> path.getPath()).toList()).containsExactly("/webhooks/shopify");
        assertThat(typed(objects, NetworkPolicy.class)).anySatisfy(policy -> {
            assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
            assertThat(policy.getSpec().getPolicyTypes()).contains("Ingress");
            assertThat(policy.getSpec().getIngress()).isNullOrEmpty();
        });
        Set<String> configMaps = objects.stream().filter(o -> o.kind().equals("ConfigMap")).map(RenderedObject::name).collect(Collectors.toSet());
        for (Deployment deployment : typed(objects, Deployment.class)) {
            assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnvFrom())
                    .allSatisfy(source -> assertThat(configMaps).contains(source.getConfigMapRef().getName()));
        }
    }

    private static void assertProbe(Probe probe, String path, Set<String> ports) {
        assertThat(probe).as("probe on %s", path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(ports).contains(probe.getHttpGet().getPort().getStrVal());
    }

    /** Topic names in both services' configuration (profile-free lines), the topic prefix left empty as in production. */
    static Set<String> topicsInConfiguration() throws IOException {
        Pattern topicProperty = Pattern.compile("^(?:[^%#][^=]*\\.topic|retries\\.topics)=(.+)$");
        Set<String> topics = new TreeSet<>();
        for (String module : List.of("webhook-gateway", "sync-service")) {
            try (Stream<String> lines = Files.lines(RepositoryRoot.find().resolve(module).resolve("src/main/resources/application.properties"))) {
                lines.map(topicProperty::matcher).filter(Matcher::matches).map(matcher -> matcher.group(1))
                        .filter(value -> !value.contains("${retries.topics}"))
                        .flatMap(value -> Arrays.stream(value.split(",")))
                        .map(value -> value.strip().replace("${topics.prefix:}", ""))
                        .forEach(topics::add);
            }
        }
        return topics;
    }

    private static List<RenderedObject> render(String overlay) throws Exception {
        List<RenderedObject> objects = new ArrayList<>();
        for (JsonNode document : Manifests.documents(Manifests.render(K8S.resolve("overlays").resolve(overlay)))) {
            objects.add(Manifests.typed(document));
        }
        return objects;
    }

    private static <T> List<T> typed(List<RenderedObject> objects, Class<T> type) {
        return objects.stream().map(RenderedObject::typed).filter(type::isInstance).map(type::cast).filter(Objects::nonNull).toList();
    }
}
