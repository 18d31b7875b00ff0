package dev.portcullis.operator;

import dev.portcullis.dataplane.runtime.DaemonThreads;
import dev.portcullis.operator.certificates.OperatorCertificates;
import dev.portcullis.operator.channel.ChannelServer;
import dev.portcullis.operator.cluster.ClusterWatch;
import dev.portcullis.operator.cluster.LeanStore;
import dev.portcullis.operator.publish.SnapshotSource;
import dev.portcullis.operator.ocsp.OcspFetcher;
import dev.portcullis.operator.ocsp.OcspStapler;
import dev.portcullis.operator.translate.ClusterState;
import dev.portcullis.operator.deploy.DataPlane;
import dev.portcullis.operator.deploy.DataPlaneReconciler;
import dev.portcullis.operator.deploy.DataPlaneReplicaMetrics;
import dev.portcullis.operator.publish.PublishedSnapshot;
import dev.portcullis.operator.publish.SnapshotPublisher;
import dev.portcullis.operator.reconcile.IngressStatusReconciler;
import dev.portcullis.operator.reconcile.LoadBalancerAddresses;
import dev.portcullis.operator.tickets.SessionTicketSecret;
import dev.portcullis.operator.tickets.SessionTicketSeed;
import dev.portcullis.operator.tickets.TicketRotation;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The in-cluster operator, assembled: informers feed debounced translation into published
 * snapshots that the channel serves to data planes (every replica), and the Ingress reconciler
 * writes status and Events (the leader only).
 */
public final class OperatorRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OperatorRuntime.class);

    private final PrometheusMeterRegistry metrics;
    private final DataPlaneReplicaMetrics dataPlaneReplicas;
    private final ClusterWatch watch;
    private final SnapshotPublisher publisher;
    private final ChannelServer channel;
    private final Operator operator;
    private final ScheduledExecutorService renewals;
    private final OcspStapler stapler;

    private OperatorRuntime(PrometheusMeterRegistry metrics, ClusterWatch watch, SnapshotPublisher publisher,
                            ChannelServer channel, Operator operator, ScheduledExecutorService renewals, OcspStapler stapler) {
        this.stapler = stapler;
        this.metrics = metrics;
        this.dataPlaneReplicas = new DataPlaneReplicaMetrics(metrics);
        this.watch = watch;
        this.publisher = publisher;
        this.channel = channel;
        this.operator = operator;
        this.renewals = renewals;
    }

    public static OperatorRuntime start(KubernetesClient client, OperatorSettings settings) throws Exception {
        Clock clock = Clock.systemUTC();
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OperatorCertificates certificates = OperatorCertificates.loadOrCreate(client, settings.namespace(),
                settings.channelServerNames(), clock);

        SessionTicketSeed ticketSeed = SessionTicketSecret.loadOrCreate(client, settings.namespace());

        SnapshotPublisher[] publisherRef = new SnapshotPublisher[1];
        ClusterWatch watch = new ClusterWatch(client, () -> {
            if (publisherRef[0] != null) {
                publisherRef[0].changed();
            }
        });
        SnapshotSource source = ingressClass -> {
            ClusterState all = watch.state().withSessionTicketSeed(ticketSeed);
            return ingressClass.equals(SnapshotSource.ALL_CLASSES) ? all : all.restrictedTo(ingressClass);
        };
        SnapshotPublisher publisher = new SnapshotPublisher(source, settings.holdOff(), settings.maxHoldOff(), clock, metrics);
        publisherRef[0] = publisher;
        publisher.holdAllClasses(); // until the data planes serve (servedFirst, below)
        // One fetch per certificate serves every data plane: the responses travel in the snapshot.
        OcspStapler stapler = new OcspStapler(new OcspFetcher(Duration.ofSeconds(10)), clock, metrics, publisher::changed)
                .start(Duration.ofSeconds(30));
        publisher.ocspStaples(stapler::staples);
        publisher.addListener(snapshot -> stapler.track(snapshot.translation().snapshot()));
        MultiGauge problemsByReason = MultiGauge.builder("portcullis.operator.problems")
                .description("Problems in the latest translation, by reason").register(metrics);
        publisher.addListener(snapshot -> {
            Map<String, Integer> counts = new TreeMap<>();
            snapshot.translation().problems().forEach(problem -> counts.merge(problem.reason(), 1, Integer::sum));
            problemsByReason.register(counts.entrySet().stream()
                    .map(entry -> MultiGauge.Row.of(Tags.of("reason", entry.getKey()), entry.getValue())).toList(), true);
        });
        watch.start();
        // Data planes may poll from here on: their long polls wait for their class's first snapshot,
        // which is translated first, before the one of all classes (Events and status).
        publisher.expect(watch.dataPlanes().stream().map(DataPlane::getSpec).filter(java.util.Objects::nonNull)
                .map(spec -> spec.ingressClassName).filter(java.util.Objects::nonNull).distinct().toList());
        ChannelServer channel = ChannelServer.start(new InetSocketAddress(settings.channelBindAddress(), settings.channelPort()),
                certificates, publisher, settings.pollTimeout(), metrics);
        publisher.rebuildDataPlaneStreams();
        servedFirst(channel);
        publisher.rebuildAllClasses();
        if (stapler.refreshNow(Duration.ofSeconds(5))) {
            publisher.rebuild(); // data planes get the staples responders gave at once
        }

        LoadBalancerAddresses addresses = new LoadBalancerAddresses(settings.publishAddress(),
                () -> watch.service(settings.namespace(), settings.dataPlaneService()));
        Operator operator = new Operator(overrider -> {
            overrider.withKubernetesClient(client)
                    .withUseSSAToPatchPrimaryResource(settings.serverSideApply())
                    .withCloseClientOnStop(false)
                    .withStopOnInformerErrorDuringStartup(false);
            if (settings.leaderElection()) {
                overrider.withLeaderElectionConfiguration(LeaderElectionConfigurationBuilder
                        .aLeaderElectionConfiguration("portcullis-operator").withLeaseNamespace(settings.namespace())
                        .withExitOnStopLeading(settings.exitOnLostLease()).build());
            }
        });
        // Its own Ingress cache holds only what status needs: translation reads the watch's.
        operator.register(new IngressStatusReconciler(client, publisher, addresses, watch::ingressClasses, watch::ingresses,
                clock, metrics), override -> override.withItemStore(LeanStore.ingressesForStatus()).withInformerListLimit(500L));
        int advertisedPort = settings.channelPort() != 0 ? settings.channelPort() : channel.address().getPort();
        DataPlaneReconciler dataPlanes = new DataPlaneReconciler(client, settings.namespace(),
                "https://" + settings.serviceName() + "." + settings.namespace() + ".svc:" + advertisedPort,
                watch::secret, clock, ref -> {
                    PublishedSnapshot latest = publisher.latest();
                    return latest == null ? List.of() : latest.translation().problemsOf(ref);
                });
        publisher.addListener(snapshot -> dataPlanes.translated(watch.dataPlanes()));
        operator.register(dataPlanes);
        operator.start();

        ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("portcullis-certificate-renewal"));
        renewals.scheduleWithFixedDelay(() -> {
            try {
                if (certificates.renewIfDue()) {
                    channel.reload(certificates);
                }
            } catch (RuntimeException e) {
                LOG.error("certificate renewal failed; retrying in an hour", e);
            }
        }, 1, 1, TimeUnit.HOURS);
        TicketRotation.start(ticketSeed, clock, publisher::changed, renewals);
        return new OperatorRuntime(metrics, watch, publisher, channel, operator, renewals, stapler);
    }

    /**
     * Data planes that were running when this operator started (it restarted, or failed over) get
     * its first snapshot at once; at 10,000 Ingresses each then spends seconds of CPU applying it.
     * The all-classes translation, the first status pass over every Ingress and the Lease wait until
     * one has applied it, or {@link #SERVED_FIRST_WAIT}: where they share a node or an API server,
     * the data planes serve sooner. When no data plane has polled yet (a fresh install), nothing waits.
     */
    private static void servedFirst(ChannelServer channel) throws InterruptedException {
        if (!channel.dataPlanePolled()) {
            return;
        }
        long started = System.nanoTime();
        boolean serving = channel.awaitDataPlaneServing(SERVED_FIRST_WAIT);
        long waited = Duration.ofNanos(System.nanoTime() - started).toMillis();
        if (serving) {
            LOG.info("a data plane serves the first snapshot after {} ms; now Events, status and the Lease", waited);
        } else {
            LOG.warn("no data plane applied the first snapshot in {} ms; Events, status and the Lease go on", waited);
        }
    }

    /** How long Events, status and the Lease wait at most for a running data plane's first apply. */
    static final Duration SERVED_FIRST_WAIT = Duration.ofSeconds(20);

    public InetSocketAddress channelAddress() {
        return channel.address();
    }

    public SnapshotPublisher publisher() {
        return publisher;
    }

    /** Prometheus text; the DataPlanes' replica rows are read from the informer first. */
    public String scrapeMetrics() {
        dataPlaneReplicas.refresh(watch.dataPlanes());
        return metrics.scrape();
    }

    @Override
    public void close() {
        renewals.shutdownNow();
        stapler.close();
        operator.stop();
        channel.close();
        publisher.close();
        watch.close();
    }
}
