package dev.portcullis.operator.reconcile;

import dev.portcullis.operator.translate.Problem;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns an object's problems into Warning Events (what {@code kubectl describe} shows),
 * only when its set of problems changes, so reconciles never cause Event storms. An Event's name
 * is derived from the Ingress and the problem, so an operator that restarts (or a new leader)
 * finds the Event already there (409) instead of reporting the same problem again.
 */
public final class ProblemEvents {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemEvents.class);
    static final String COMPONENT = "portcullis";

    private final KubernetesClient client;
    private final Clock clock;
    private final Map<String, Set<Problem>> reported = new ConcurrentHashMap<>();

    public ProblemEvents(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public void report(HasMetadata ingress, List<Problem> problems) {
        String uid = ingress.getMetadata().getUid() != null ? ingress.getMetadata().getUid()
                : ingress.getMetadata().getNamespace() + "/" + ingress.getMetadata().getName();
        Set<Problem> current = new LinkedHashSet<>(problems);
        Set<Problem> before = reported.put(uid, current);
        if (current.equals(before)) {
            return;
        }
        for (Problem problem : current) {
            if (before != null && before.contains(problem)) {
                continue;
            }
            LOG.warn("{}", problem);
            emit(ingress, problem);
        }
    }

    public void forget(HasMetadata ingress) {
        reported.remove(ingress.getMetadata().getUid());
    }

    private void emit(HasMetadata ingress, Problem problem) {
        String now = clock.instant().toString();
        try {
            client.v1().events().inNamespace(ingress.getMetadata().getNamespace()).resource(new EventBuilder()
                    .withNewMetadata()
                    .withName(eventName(ingress, problem))
                    .withNamespace(ingress.getMetadata().getNamespace())
                    .endMetadata()
                    .withNewInvolvedObject()
                    .withApiVersion(ingress.getApiVersion()).withKind(ingress.getKind())
                    .withName(ingress.getMetadata().getName()).withNamespace(ingress.getMetadata().getNamespace())
                    .withUid(ingress.getMetadata().getUid()).withResourceVersion(ingress.getMetadata().getResourceVersion())
                    .endInvolvedObject()
                    .withType("Warning")
                    .withReason(problem.reason())
                    .withMessage(problem.message())
                    .withNewSource().withComponent(COMPONENT).endSource()
                    .withReportingComponent(COMPONENT)
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .build()).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return; // reported before, by this replica before a restart or by another one
            }
            LOG.warn("cannot record an Event on {} {}/{}: {}", ingress.getKind(), ingress.getMetadata().getNamespace(),
                    ingress.getMetadata().getName(), e.getMessage());
        }
    }

    /** {@code <ingress>.<hash of its uid and the problem>}: the same problem on the same Ingress, the same name. */
    static String eventName(HasMetadata ingress, Problem problem) {
        String key = ingress.getMetadata().getUid() + "\n" + problem.reason() + "\n" + problem.message();
        UUID hash = UUID.nameUUIDFromBytes(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return ingress.getMetadata().getName() + "." + hash.toString().replace("-", "").substring(0, 16);
    }
}
