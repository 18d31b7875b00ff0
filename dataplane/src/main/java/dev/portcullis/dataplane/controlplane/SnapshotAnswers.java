package dev.portcullis.dataplane.controlplane;

import dev.portcullis.dataplane.config.InvalidSnapshotException;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.SnapshotCodec;
import dev.portcullis.dataplane.config.SnapshotDelta;
import dev.portcullis.dataplane.config.SnapshotDeltaCodec;
import dev.portcullis.dataplane.config.SnapshotDiff;
import dev.portcullis.dataplane.metrics.ControlPlaneMetrics;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Reads the channel's answers into snapshots: a whole snapshot ({@code application/json}) or a delta
 * ({@link SnapshotDelta#MEDIA_TYPE}) applied to the snapshot held from the previous answer. Any other
 * media type is refused by name, so an operator and a data plane that do not speak the same version
 * fail clearly. Counts the bytes received on the wire and the updates of each kind.
 */
final class SnapshotAnswers {

    /** What the poll accepts: a delta when the operator can make one, else the whole snapshot. */
    static final String ACCEPT = SnapshotDelta.MEDIA_TYPE + ", application/json";

    private final ControlPlaneMetrics metrics;
    private Snapshot held;

    SnapshotAnswers(ControlPlaneMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * The snapshot an answer makes, or null for a delta from a version other than the one held
     * (then the next poll asks for the whole snapshot).
     *
     * @throws InvalidSnapshotException when the body does not read, or its media type is unknown
     */
    Snapshot read(String contentType, boolean gzip, InputStream wire) throws IOException {
        CountingStream counted = new CountingStream(wire);
        try {
            InputStream body = gzip ? new GZIPInputStream(counted) : counted;
            String type = contentType == null ? "application/json" : contentType.split(";")[0].trim();
            if (type.equals(SnapshotDelta.MEDIA_TYPE)) {
                // Bounded after decompression: a small gzip body can inflate a thousandfold.
                SnapshotDelta delta = SnapshotDeltaCodec.read(body);
                if (held == null || held.version() != delta.base()) {
                    return null;
                }
                held = SnapshotDiff.apply(held, delta);
                metrics.updated("delta");
                return held;
            }
            if (!type.equals("application/json")) {
                throw new InvalidSnapshotException("the control plane answered with media type " + type
                        + ", which this data plane does not read (an operator of another version?)");
            }
            held = SnapshotCodec.read(body);
            metrics.updated("full");
            return held;
        } finally {
            metrics.received(counted.count);
        }
    }

    /** Forgets the held snapshot: the next answer must be a whole one. */
    void forget() {
        held = null;
    }

    private static final class CountingStream extends FilterInputStream {
        private long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
