package dev.portcullis.operator.reconcile;

import dev.portcullis.operator.publish.PublishedSnapshot;
import dev.portcullis.operator.publish.SnapshotPublisher;
import dev.portcullis.operator.translate.IngressClassSelector;
import dev.portcullis.operator.translate.ObjectRef;
import dev.portcullis.operator.translate.Problem;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerStatus;
import io.fabric8.kubernetes.api.model.networking.v1.IngressStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The Ingress reconciler (the leader runs it): writes {@code status.loadBalancer} for Ingresses of
 * our class and clears it from those that leave it, and turns each Ingress's translation problems
 * into Warning Events. Besides Ingress changes, every published translation triggers it: that is
 * how Secret, Service, EndpointSlice and IngressClass changes reach it, through the one shared
 * set of informers that feeds translation on every replica.
 */
public final class IngressStatusReconciler implements Reconciler<Ingress> {

    private final SnapshotPublisher publisher;
    private final LoadBalancerAddresses addresses;
    private final Supplier<List<IngressClass>> ingressClasses;
    private final Supplier<List<Ingress>> ingresses;
    private final ProblemEvents events;
    private final SimpleInboundEventSource<Ingress> translations = new SimpleInboundEventSource<>("translations");
    private final Counter reconciles;
    // Only the publisher's loop thread reads and writes these.
    private Map<ObjectRef, List<Problem>> lastProblems = Map.of();
    private List<IngressLoadBalancerIngress> lastAddresses;
    private List<String> lastClasses = List.of();

    public IngressStatusReconciler(KubernetesClient client, SnapshotPublisher publisher, LoadBalancerAddresses addresses,
                                   Supplier<List<IngressClass>> ingressClasses, Supplier<List<Ingress>> ingresses,
                                   Clock clock, MeterRegistry metrics) {
        this.publisher = publisher;
        this.addresses = addresses;
        this.ingressClasses = ingressClasses;
        this.ingresses = ingresses;
        this.events = new ProblemEvents(client, clock);
        this.reconciles = Counter.builder("portcullis.operator.reconciles").description("Ingress reconciles").register(metrics);
        publisher.addListener(this::published);
    }

    @Override
    public List<EventSource<?, Ingress>> prepareEventSources(EventSourceContext<Ingress> context) {
        return List.of(translations);
    }

    /**
     * A translation was published: reconcile the Ingresses whose problems changed since the last
     * one, or every Ingress when the addresses to publish or the IngressClasses changed. (Ingress edits reach the
     * reconciler through its own informer.) So one change costs a handful of reconciles, not one
     * per Ingress in the cluster.
     */
    private void published(PublishedSnapshot snapshot) {
        Map<ObjectRef, List<Problem>> problems = snapshot.translation().problemsByObject();
        List<IngressLoadBalancerIngress> currentAddresses = addresses.current();
        List<String> classes = ingressClasses.get().stream().map(ingressClass -> ingressClass.getMetadata().getName()
                + "@" + ingressClass.getMetadata().getResourceVersion()).sorted().toList();
        // New addresses, or IngressClasses that may make other Ingresses ours or not: every Ingress.
        boolean everyIngress = !currentAddresses.equals(lastAddresses) || !classes.equals(lastClasses);
        lastAddresses = currentAddresses;
        lastClasses = classes;
        Set<ObjectRef> changed = new HashSet<>();
        problems.forEach((ref, list) -> {
            if (!list.equals(lastProblems.get(ref))) {
                changed.add(ref);
            }
        });
        lastProblems.keySet().stream().filter(ref -> !problems.containsKey(ref)).forEach(changed::add);
        lastProblems = problems;
        for (Ingress ingress : ingresses.get()) {
            if (everyIngress || changed.contains(ObjectRef.of(ingress))) {
                translations.propagateEvent(ResourceID.fromResource(ingress));
            }
        }
    }

    @Override
    public UpdateControl<Ingress> reconcile(Ingress ingress, Context<Ingress> context) {
        reconciles.increment();
        boolean ours = new IngressClassSelector(ingressClasses.get()).isOurs(ingress);
        List<IngressLoadBalancerIngress> desired = ours ? addresses.current() : List.of();
        if (ours) {
            PublishedSnapshot latest = publisher.latest();
            if (latest != null) {
                ObjectRef ref = ObjectRef.of(ingress);
                events.report(ingress, latest.translation().problemsOf(ref));
            }
        } else {
            events.forget(ingress);
        }
        List<IngressLoadBalancerIngress> current = ingress.getStatus() == null || ingress.getStatus().getLoadBalancer() == null
                || ingress.getStatus().getLoadBalancer().getIngress() == null
                ? List.of() : ingress.getStatus().getLoadBalancer().getIngress();
        if (Objects.equals(current, desired)) {
            return UpdateControl.noUpdate();
        }
        // Only name and status: with server-side apply, a resourceVersion would make the write fail
        // (409) whenever the Ingress moved on, and the spec would become ours.
        Ingress statusOnly = new IngressBuilder().withNewMetadata().withName(ingress.getMetadata().getName())
                .withNamespace(ingress.getMetadata().getNamespace()).endMetadata()
                .withStatus(new IngressStatus(new IngressLoadBalancerStatus(desired))).build();
        return UpdateControl.patchStatus(statusOnly);
    }
}
