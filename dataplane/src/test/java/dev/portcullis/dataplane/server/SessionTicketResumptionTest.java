package dev.portcullis.dataplane.server;

import dev.portcullis.dataplane.config.SessionTicketKey;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.SnapshotDiff;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.CertificateAuthority.KeyType;
import dev.portcullis.dataplane.tls.IssuedCertificate;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

import static dev.portcullis.dataplane.testsupport.OpensslSessions.connectResuming;
import static dev.portcullis.dataplane.testsupport.OpensslSessions.connectSaving;
import static dev.portcullis.dataplane.testsupport.OpensslSessions.newLine;
import static dev.portcullis.dataplane.testsupport.OpensslSessions.reusedLine;
import static dev.portcullis.dataplane.testsupport.Snapshots.certificate;
import static dev.portcullis.dataplane.testsupport.Snapshots.host;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session ticket keys travel in the snapshot: every data plane fed the same snapshot opens the
 * tickets any of them issued, a restarted one too, and a rotation keeps the previous keys opening
 * tickets until they leave the snapshot. Proved with {@code openssl s_client -sess_out/-sess_in}.
 */
class SessionTicketResumptionTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("tickets CA", KeyType.EC_P256);
    private static final IssuedCertificate APP = CA.issueServer(List.of("app.example.test", "other.example.test"), KeyType.EC_P256);
    private static final IssuedCertificate OTHER = CA.issueServer(List.of("other.example.test"), KeyType.EC_P256);
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path sessions;

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_2", "-tls1_3"})
    void aSessionFromOneDataPlaneResumesOnAnotherFedTheSameKeys(String version) {
        Snapshot snapshot = snapshot(1, List.of(key(), key()));
        Path session = sessions.resolve("session.pem");
        try (TestDataPlane first = TestDataPlane.serving(snapshot); TestDataPlane second = TestDataPlane.serving(snapshot)) {
            assertThat(connectSaving(first.httpsPort(), "app.example.test", version, session)).contains(newLine(version));
            assertThat(connectResuming(second.httpsPort(), "app.example.test", version, session)).contains(reusedLine(version));
            assertThat(connectResuming(first.httpsPort(), "app.example.test", version, session)).contains(reusedLine(version));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_2", "-tls1_3"})
    void withoutSharedKeysAnotherDataPlaneMakesAFullHandshake(String version) {
        Snapshot snapshot = snapshot(1, List.of());
        Path session = sessions.resolve("session.pem");
        try (TestDataPlane first = TestDataPlane.serving(snapshot); TestDataPlane second = TestDataPlane.serving(snapshot)) {
            connectSaving(first.httpsPort(), "app.example.test", version, session);
            assertThat(connectResuming(second.httpsPort(), "app.example.test", version, session)).contains(newLine(version));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_2", "-tls1_3"})
    void aSessionResumesAfterTheDataPlaneRestarts(String version) {
        Snapshot snapshot = snapshot(1, List.of(key()));
        Path session = sessions.resolve("session.pem");
        try (TestDataPlane before = TestDataPlane.serving(snapshot)) {
            assertThat(connectSaving(before.httpsPort(), "app.example.test", version, session)).contains(newLine(version));
        }
        try (TestDataPlane after = TestDataPlane.serving(snapshot)) {
            assertThat(connectResuming(after.httpsPort(), "app.example.test", version, session)).contains(reusedLine(version));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_2", "-tls1_3"})
    void afterARotationThePreviousKeyStillOpensTicketsAndAKeyOutOfTheWindowDoesNot(String version) {
        SessionTicketKey k1 = key();
        SessionTicketKey k2 = key();
        SessionTicketKey k3 = key();
        Path sealedByK1 = sessions.resolve("k1.pem");
        Path sealedByK1Again = sessions.resolve("k1-again.pem");
        try (TestDataPlane dataPlane = TestDataPlane.serving(snapshot(1, List.of(k1)))) {
            connectSaving(dataPlane.httpsPort(), "app.example.test", version, sealedByK1);
            connectSaving(dataPlane.httpsPort(), "app.example.test", version, sealedByK1Again);

            // Rotation: k2 seals now, k1 still opens (the contexts are the same cached ones; only the keys changed).
            dataPlane.server().config().apply(snapshot(2, List.of(k2, k1)));
            assertThat(connectResuming(dataPlane.httpsPort(), "app.example.test", version, sealedByK1)).contains(reusedLine(version));
            assertThat(scrape(dataPlane)).contains("portcullis_tls_session_ticket_keys 2.0");

            // k1 has left the window: its tickets no longer open, the client gets a full handshake.
            dataPlane.server().config().apply(snapshot(3, List.of(k3, k2)));
            assertThat(connectResuming(dataPlane.httpsPort(), "app.example.test", version, sealedByK1Again)).contains(newLine(version));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_2", "-tls1_3"})
    void aCertificateAddedLaterWithTheSameKeysResumesOnAnotherDataPlane(String version) {
        List<SessionTicketKey> keys = List.of(key());
        Snapshot withOther = appAndOther(2, keys);
        Path session = sessions.resolve("other.pem");
        try (TestDataPlane first = TestDataPlane.serving(withOther);
             TestDataPlane second = TestDataPlane.serving(snapshot(1, keys))) {
            // The keys did not change, the host and its context are new: they get the keys too.
            second.server().config().apply(withOther);
            assertThat(connectSaving(first.httpsPort(), "other.example.test", version, session)).contains(newLine(version));
            assertThat(connectResuming(second.httpsPort(), "other.example.test", version, session)).contains(reusedLine(version));
            assertThat(scrape(second)).contains("portcullis_tls_session_ticket_keys 1.0");
        }
    }

    /** As above, the host arriving in a delta, which compiles it alone (its context is new, the keys are not). */
    @ParameterizedTest
    @ValueSource(strings = {"-tls1_2", "-tls1_3"})
    void aHostAddedByADeltaWithTheSameKeysResumesOnAnotherDataPlane(String version) {
        List<SessionTicketKey> keys = List.of(key());
        Snapshot base = SnapshotDiff.canonical(snapshot(1, keys));
        Snapshot withOther = SnapshotDiff.apply(base, SnapshotDiff.diff(base, SnapshotDiff.canonical(appAndOther(2, keys))));
        Path session = sessions.resolve("other-delta.pem");
        try (TestDataPlane first = TestDataPlane.serving(withOther); TestDataPlane second = TestDataPlane.serving(base)) {
            connectSaving(second.httpsPort(), "app.example.test", version, sessions.resolve("app-first.pem"));
            assertThat(second.server().config().apply(withOther).changes()).as("compiled from the delta").isNotNull();
            assertThat(connectSaving(first.httpsPort(), "other.example.test", version, session)).contains(newLine(version));
            assertThat(connectResuming(second.httpsPort(), "other.example.test", version, session)).contains(reusedLine(version));
            assertThat(scrape(second)).contains("portcullis_tls_session_ticket_keys 1.0");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_2", "-tls1_3"})
    void aTicketForOneCertificateIsNotResumedByAHostServingAnother(String version) {
        List<SessionTicketKey> keys = List.of(key());
        Snapshot snapshot = appAndOther(1, keys);
        Path session = sessions.resolve("app.pem");
        try (TestDataPlane dataPlane = TestDataPlane.serving(snapshot)) {
            connectSaving(dataPlane.httpsPort(), "app.example.test", version, session);
            // openssl offers the session whatever the name; the context serving "other" must not take it.
            assertThat(connectResuming(dataPlane.httpsPort(), "other.example.test", version, session)).contains(newLine(version));
        }
    }

    /** app.example.test and other.example.test, each with its own certificate. */
    private static Snapshot appAndOther(long version, List<SessionTicketKey> keys) {
        return new Snapshot(version, List.of(host("app.example.test", "app"), host("other.example.test", "other")),
                List.of(), List.of(certificate("app", APP), certificate("other", OTHER)), null, null, keys);
    }

    private static Snapshot snapshot(long version, List<SessionTicketKey> keys) {
        return new Snapshot(version, List.of(host("app.example.test", "app")), List.of(),
                List.of(certificate("app", APP)), null, null, keys);
    }

    static SessionTicketKey key() {
        return new SessionTicketKey(random(16), random(16), random(16));
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static String scrape(TestDataPlane dataPlane) {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(dataPlane.admin("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
