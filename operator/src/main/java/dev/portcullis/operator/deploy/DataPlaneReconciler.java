package dev.portcullis.operator.deploy;

import dev.portcullis.operator.certificates.OperatorCertificates;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import dev.portcullis.operator.cluster.LeanStore;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import dev.portcullis.operator.reconcile.ProblemEvents;
import dev.portcullis.operator.translate.ObjectRef;
import dev.portcullis.operator.translate.Problem;
import java.util.function.BiFunction;
import java.util.function.Function;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs a DataPlane: keeps its Deployment, Service, PodDisruptionBudget and client certificate
 * Secret as {@link DataPlaneResources} describes them (changes to them made by hand are put back),
 * and reports replicas, address and conditions in its status. Owned objects carry owner
 * references, so deleting the DataPlane cleans up.
 */
public final class DataPlaneReconciler implements Reconciler<DataPlane> {

    private final KubernetesClient client;
    private final String operatorNamespace;
    private final String controlPlaneUrl;
    private final BiFunction<String, String, Secret> secrets;
    private final Clock clock;
    private final Function<ObjectRef, List<Problem>> problems;
    private final ProblemEvents events;
    private final SimpleInboundEventSource<DataPlane> translations = new SimpleInboundEventSource<>("dataplane-translations");

    /**
     * @param secrets  a Secret by namespace and name, from the informer cache (no GET per reconcile)
     * @param problems the latest translation's problems of one object (a DataPlane's: its listener
     *                 settings), which become Warning Events and the Degraded condition
     */
    public DataPlaneReconciler(KubernetesClient client, String operatorNamespace, String controlPlaneUrl,
                               BiFunction<String, String, Secret> secrets, Clock clock,
                               Function<ObjectRef, List<Problem>> problems) {
        this.client = client;
        this.operatorNamespace = operatorNamespace;
        this.controlPlaneUrl = controlPlaneUrl;
        this.secrets = secrets;
        this.clock = clock;
        this.problems = problems;
        this.events = new ProblemEvents(client, clock);
    }

    /** A translation was published: look at these DataPlanes' problems again. */
    public void translated(List<DataPlane> dataPlanes) {
        dataPlanes.forEach(dataPlane -> translations.propagateEvent(ResourceID.fromResource(dataPlane)));
    }

    @Override
    public List<EventSource<?, DataPlane>> prepareEventSources(EventSourceContext<DataPlane> context) {
        // Owned objects map back to their DataPlane by owner reference: a hand edit triggers a reconcile.
        // Only the objects it made (by label), not every Service in the cluster.
        return List.of(translations, owned(Deployment.class, context), owned(Service.class, context),
                owned(PodDisruptionBudget.class, context));
    }

    private static <R extends HasMetadata> InformerEventSource<R, DataPlane> owned(Class<R> kind, EventSourceContext<DataPlane> context) {
        return new InformerEventSource<>(InformerEventSourceConfiguration.from(kind, DataPlane.class)
                .withLabelSelector(DataPlaneResources.MANAGED_BY + "=" + DataPlaneResources.MANAGER)
                .withItemStore(LeanStore.withoutBookkeeping()).build(), context);
    }

    @Override
    public UpdateControl<DataPlane> reconcile(DataPlane dataPlane, Context<DataPlane> context) {
        if (dataPlane.getSpec() == null) {
            dataPlane.setSpec(new DataPlaneSpec());
        }
        List<Condition> conditions = new ArrayList<>();
        Secret source = secrets.apply(operatorNamespace, OperatorCertificates.CLIENT_SECRET);
        if (source == null) {
            conditions.add(condition(dataPlane, "Degraded", "True", "ClientCertificateMissing",
                    "secret " + operatorNamespace + "/" + OperatorCertificates.CLIENT_SECRET + " does not exist yet"));
        } else {
            apply(DataPlaneResources.clientSecret(dataPlane, source));
        }
        List<Problem> listenerProblems = problems.apply(new ObjectRef("DataPlane", dataPlane.getMetadata().getNamespace(),
                dataPlane.getMetadata().getName()));
        events.report(dataPlane, listenerProblems);
        listenerProblems.stream().filter(Problem::isError).findFirst()
                .filter(problem -> conditions.isEmpty())
                .ifPresent(problem -> conditions.add(condition(dataPlane, "Degraded", "True", problem.reason(), problem.message())));
        Deployment deployment = apply(DataPlaneResources.deployment(dataPlane, controlPlaneUrl));
        Service service = apply(DataPlaneResources.service(dataPlane));
        PodDisruptionBudget budget = DataPlaneResources.podDisruptionBudget(dataPlane);
        if (budget != null) {
            apply(budget);
        } else {
            client.policy().v1().podDisruptionBudget().inNamespace(dataPlane.getMetadata().getNamespace())
                    .withName(DataPlaneResources.name(dataPlane)).delete();
        }

        DataPlaneStatus status = new DataPlaneStatus();
        status.observedGeneration = dataPlane.getMetadata().getGeneration();
        int wanted = dataPlane.getSpec().replicas == null ? 0 : dataPlane.getSpec().replicas;
        int ready = deployment.getStatus() == null || deployment.getStatus().getReadyReplicas() == null
                ? 0 : deployment.getStatus().getReadyReplicas();
        status.readyReplicas = ready;
        status.address = address(service);
        boolean rolledOut = deployment.getStatus() != null && Objects.equals(deployment.getStatus().getUpdatedReplicas(), wanted)
                && ready == wanted;
        conditions.add(condition(dataPlane, "Ready", ready > 0 || wanted == 0 ? "True" : "False",
                ready > 0 || wanted == 0 ? "PodsReady" : "NoPodReady", ready + " of " + wanted + " pods ready"));
        conditions.add(condition(dataPlane, "Progressing", rolledOut ? "False" : "True",
                rolledOut ? "RolledOut" : "RollingOut", rolledOut ? "every pod runs the current spec" : "pods are being replaced or started"));
        if (conditions.stream().noneMatch(condition -> condition.getType().equals("Degraded"))) {
            boolean degraded = ready < wanted && rolledOut;
            conditions.add(condition(dataPlane, "Degraded", degraded ? "True" : "False",
                    degraded ? "PodsNotReady" : "AsExpected", degraded ? "fewer pods are ready than asked for" : "all is well"));
        }
        status.conditions = keepTransitionTimes(dataPlane.getStatus(), conditions);
        if (sameStatus(dataPlane.getStatus(), status)) {
            return UpdateControl.noUpdate();
        }
        // Only name and status: with server-side apply, a resourceVersion would make the write fail
        // (409) whenever the DataPlane moved on, and its spec would become ours.
        DataPlane statusOnly = new DataPlane();
        statusOnly.setMetadata(new ObjectMetaBuilder().withName(dataPlane.getMetadata().getName())
                .withNamespace(dataPlane.getMetadata().getNamespace()).build());
        statusOnly.setStatus(status);
        return UpdateControl.patchStatus(statusOnly);
    }

    /**
     * Creates or puts back an owned object with server-side apply (force, field manager
     * "portcullis"): the API server compares, so a hand edit of a field we set is put back and a
     * field we do not set is left alone, without a GET or a hash of our own.
     */
    private <T extends HasMetadata> T apply(T desired) {
        return client.resource(desired).fieldManager("portcullis").forceConflicts().serverSideApply();
    }

    private static String address(Service service) {
        if (service.getStatus() == null || service.getStatus().getLoadBalancer() == null
                || service.getStatus().getLoadBalancer().getIngress() == null
                || service.getStatus().getLoadBalancer().getIngress().isEmpty()) {
            return null;
        }
        var first = service.getStatus().getLoadBalancer().getIngress().getFirst();
        return first.getIp() != null ? first.getIp() : first.getHostname();
    }

    private Condition condition(DataPlane dataPlane, String type, String status, String reason, String message) {
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withObservedGeneration(dataPlane.getMetadata().getGeneration())
                .withLastTransitionTime(clock.instant().toString()).build();
    }

    /** A condition's transition time moves only when its status does. */
    private static List<Condition> keepTransitionTimes(DataPlaneStatus before, List<Condition> now) {
        if (before == null || before.conditions == null) {
            return now;
        }
        for (Condition condition : now) {
            before.conditions.stream()
                    .filter(old -> old.getType().equals(condition.getType()) && old.getStatus().equals(condition.getStatus()))
                    .findFirst()
                    .ifPresent(old -> condition.setLastTransitionTime(old.getLastTransitionTime()));
        }
        return now;
    }

    private static boolean sameStatus(DataPlaneStatus before, DataPlaneStatus after) {
        return before != null && Objects.equals(before.observedGeneration, after.observedGeneration)
                && Objects.equals(before.readyReplicas, after.readyReplicas) && Objects.equals(before.address, after.address)
                && Objects.equals(before.conditions, after.conditions);
    }

}
