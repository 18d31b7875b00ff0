package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** JSON for {@link SnapshotDelta}s ({@link SnapshotDelta#MEDIA_TYPE}), read under the same bounds as a snapshot. */
public final class SnapshotDeltaCodec {

    // Made with this class: Jackson builds a type's reader and writer when first asked (about 10 ms for a delta).
    private static final ObjectReader READER = SnapshotCodec.mapper().readerFor(SnapshotDelta.class);
    private static final ObjectWriter WRITER = SnapshotCodec.mapper().writerFor(SnapshotDelta.class);

    private SnapshotDeltaCodec() {
    }

    /**
     * Makes the reader and writer now, which the first delta would otherwise wait for: the ends of
     * the control-plane channel call this as they start.
     */
    public static void prepare() {
        // Calling a static method initialises the class, whose fields are the reader and writer.
    }

    public static String toJson(SnapshotDelta delta) {
        try {
            return WRITER.writeValueAsString(delta);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a delta, or throws {@link InvalidSnapshotException} saying where it is wrong (never quoting values). */
    public static SnapshotDelta fromJson(byte[] json) {
        try {
            return READER.readValue(json);
        } catch (JsonProcessingException e) {
            throw new InvalidSnapshotException("snapshot delta: " + SnapshotCodec.describe(e), e);
        } catch (IOException e) {
            throw new InvalidSnapshotException("the snapshot delta is not JSON text: " + e.getMessage(), e);
        }
    }

    /** Reads a delta from a stream, refusing one larger than {@link SnapshotCodec#MAX_SNAPSHOT_BYTES}. */
    public static SnapshotDelta read(InputStream in) throws IOException {
        return fromJson(SnapshotCodec.readBounded(in));
    }
}
