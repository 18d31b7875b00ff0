package dev.portcullis.operator.publish;

import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.SnapshotCodec;
import dev.portcullis.dataplane.config.SnapshotDelta;
import dev.portcullis.dataplane.config.SnapshotDeltaCodec;
import dev.portcullis.dataplane.config.SnapshotDiff;
import dev.portcullis.operator.translate.Translation;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

/**
 * A snapshot as the data planes get it, with the translation it came from: its content (canonical
 * order, see {@link SnapshotDiff}) and the deltas of the last few versions that led to it. The wire
 * bodies (gzipped JSON) are made when a data plane first asks for them, then shared: the whole
 * snapshot only for a data plane that is new or too far behind, a delta for one that is near.
 */
public final class PublishedSnapshot {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PublishedSnapshot.class);

    /** Versions a data plane may lag and still get a delta. */
    static final int KEPT_DELTAS = 16;

    private final Snapshot content;
    private final Translation translation;
    private final List<SnapshotDelta> deltas;
    private final Bodies bodies;

    private PublishedSnapshot(Snapshot content, Translation translation, List<SnapshotDelta> deltas, Bodies bodies) {
        this.content = content;
        this.translation = translation;
        this.deltas = deltas;
        this.bodies = bodies;
    }

    /** The first snapshot of a stream: no delta leads to it. */
    static PublishedSnapshot first(Snapshot content, Translation translation) {
        return new PublishedSnapshot(content, translation, List.of(), new Bodies());
    }

    /**
     * The snapshot after this one, reached by {@code delta}. Older deltas are let go past
     * {@link #KEPT_DELTAS}, or once the kept ones change more than half the snapshot: then the whole
     * snapshot is as cheap to send.
     */
    PublishedSnapshot next(Snapshot nextContent, SnapshotDelta delta, Translation nextTranslation) {
        List<SnapshotDelta> chain = new ArrayList<>(deltas);
        chain.add(delta);
        int entries = nextContent.virtualHosts().size() + nextContent.clusters().size() + nextContent.certificates().size();
        long changed = chain.stream().mapToLong(SnapshotDelta::size).sum();
        while (!chain.isEmpty() && (chain.size() > KEPT_DELTAS || changed > entries / 2 + KEPT_DELTAS)) {
            changed -= chain.removeFirst().size();
        }
        return new PublishedSnapshot(nextContent, nextTranslation, List.copyOf(chain), new Bodies());
    }

    /** The same snapshot with a newer translation (its problems), sharing the wire bodies. */
    PublishedSnapshot withTranslation(Translation newer) {
        return new PublishedSnapshot(content, newer, deltas, bodies);
    }

    public long version() {
        return content.version();
    }

    /** What is published: the snapshot data planes serve, in canonical order. */
    public Snapshot content() {
        return content;
    }

    public Translation translation() {
        return translation;
    }

    /** The whole snapshot as gzipped JSON. */
    public byte[] gzippedJson() {
        return bodies.full(content);
    }

    /**
     * The gzipped JSON of one delta from {@code base} to this version, or null when no kept
     * deltas lead from {@code base} here (then the data plane needs the whole snapshot).
     */
    public byte[] gzippedDeltaSince(long base) {
        int from = -1;
        for (int i = 0; i < deltas.size(); i++) {
            if (deltas.get(i).base() == base) {
                from = i;
                break;
            }
        }
        if (from < 0) {
            return null;
        }
        int start = from;
        return bodies.deltas.computeIfAbsent(base, unused -> {
            SnapshotDelta chained = deltas.get(start);
            for (int i = start + 1; i < deltas.size(); i++) {
                chained = SnapshotDiff.chain(chained, deltas.get(i));
            }
            return gzip(SnapshotDeltaCodec.toJson(chained));
        });
    }

    /** The bodies of one version, made at most once each. */
    private static final class Bodies {
        private final Map<Long, byte[]> deltas = new ConcurrentHashMap<>();
        private volatile byte[] full;

        byte[] full(Snapshot content) {
            byte[] made = full;
            if (made == null) {
                synchronized (this) {
                    made = full;
                    if (made == null) {
                        long started = System.nanoTime();
                        made = gzip(SnapshotCodec.toJson(content));
                        full = made;
                        LOG.info("encoded the whole snapshot version {} for data planes: {} KiB gzipped in {} ms",
                                content.version(), made.length / 1024, (System.nanoTime() - started) / 1_000_000);
                    }
                }
            }
            return made;
        }
    }

    static byte[] gzip(String json) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
