package dev.portcullis.operator.tickets;

import dev.portcullis.dataplane.config.SessionTicketKey;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.SnapshotCodec;
import dev.portcullis.operator.manifest.StandaloneIngressClass;
import dev.portcullis.operator.publish.SnapshotPublisher;
import dev.portcullis.operator.translate.ClusterState;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Keys derived from the seed and the clock: the same everywhere, rotating at period boundaries, never shown. */
class SessionTicketSeedTest {

    private static final SessionTicketSeed SEED = new SessionTicketSeed(HexFormat.of().parseHex(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"), Duration.ofHours(1));
    private static final Instant NOON = Instant.parse("2026-12-04T12:30:00Z");

    @Test
    void theSameSeedAndTimeGiveTheSameKeysAndAnotherSeedOthers() {
        SessionTicketSeed copy = new SessionTicketSeed(SEED.seed(), SEED.period());
        assertThat(copy.keys(NOON)).isEqualTo(SEED.keys(NOON)).hasSize(SessionTicketSeed.PREVIOUS_KEYS + 1).doesNotHaveDuplicates();
        assertThat(SessionTicketSeed.generate(SEED.period()).keys(NOON)).doesNotContainAnyElementsOf(SEED.keys(NOON));
        assertThat(SEED.keys(NOON).stream().map(key -> HexFormat.of().formatHex(key.name())).distinct()).hasSize(SessionTicketSeed.PREVIOUS_KEYS + 1);
    }

    @Test
    void aRotationShiftsTheListByOneKey() {
        List<SessionTicketKey> now = SEED.keys(NOON);
        assertThat(SEED.nextRotation(NOON)).isEqualTo(Instant.parse("2026-12-04T13:00:00Z"));
        assertThat(SEED.keys(Instant.parse("2026-12-04T12:59:59.999Z"))).isEqualTo(now);
        List<SessionTicketKey> next = SEED.keys(Instant.parse("2026-12-04T13:00:00Z"));
        assertThat(next.subList(1, next.size())).isEqualTo(now.subList(0, now.size() - 1));
        assertThat(next.getFirst()).isNotIn(now);
        assertThat(SEED.index(NOON)).isEqualTo(NOON.toEpochMilli() / 3_600_000);
    }

    @Test
    void theSeedNeverShowsAndItsSecretRoundTrips() {
        assertThat(SEED.toString()).doesNotContain("0001020304").contains("<redacted>");
        Secret secret = SessionTicketSecret.secret("portcullis", SEED);
        assertThat(SessionTicketSecret.parse(secret)).isEqualTo(SEED);
        Secret text = new SecretBuilder().withNewMetadata().withName(SessionTicketSecret.NAME).withNamespace("default").endMetadata()
                .withStringData(Map.of("seed", java.util.Base64.getEncoder().encodeToString(SEED.seed()), "rotation-minutes", "15"))
                .build();
        assertThat(SessionTicketSecret.parse(text).period()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void aBadSecretSaysWhichFieldAndNeverItsValue() {
        Secret shortSeed = new SecretBuilder().withNewMetadata().withName(SessionTicketSecret.NAME).withNamespace("default").endMetadata()
                .withData(Map.of("seed", "c2VjcmV0LXZhbHVl")).build();
        assertThatThrownBy(() -> SessionTicketSecret.parse(shortSeed)).hasMessageContaining("seed is not 32 bytes")
                .hasMessageNotContaining("c2VjcmV0").hasMessageNotContaining("secret-value");
        Secret zeroMinutes = SessionTicketSecret.secret("default", SEED);
        zeroMinutes.getData().put("rotation-minutes", "MA==");
        assertThatThrownBy(() -> SessionTicketSecret.parse(zeroMinutes)).hasMessageContaining("between 1 minute and 7 days");
    }

    /** The operator's publisher, its clock moved by the test: a rebuild after a boundary publishes the rotated keys. */
    @Test
    void thePublisherPublishesRotatedKeysAfterABoundary() throws Exception {
        MutableClock clock = new MutableClock(NOON);
        ClusterState state = StandaloneIngressClass.ensure(ClusterState.empty()).withSessionTicketSeed(SEED);
        try (SnapshotPublisher publisher = new SnapshotPublisher(() -> state, Duration.ZERO, Duration.ZERO, clock,
                new SimpleMeterRegistry())) {
            publisher.rebuild();
            Snapshot first = download(publisher);
            assertThat(first.sessionTicketKeys()).isEqualTo(SEED.keys(NOON));

            publisher.rebuild();
            assertThat(publisher.latest().version()).as("no boundary, no new version").isEqualTo(first.version());

            clock.advance(Duration.ofHours(1));
            publisher.rebuild();
            Snapshot rotated = download(publisher);
            assertThat(rotated.version()).isEqualTo(first.version() + 1);
            List<SessionTicketKey> rotatedKeys = rotated.sessionTicketKeys();
            assertThat(rotatedKeys.subList(1, rotatedKeys.size())).isEqualTo(first.sessionTicketKeys().subList(0, rotatedKeys.size() - 1));
        }
    }

    private static Snapshot download(SnapshotPublisher publisher) throws Exception {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(publisher.latest().gzippedJson()))) {
            return SnapshotCodec.fromJson(in.readAllBytes());
        }
    }
}
