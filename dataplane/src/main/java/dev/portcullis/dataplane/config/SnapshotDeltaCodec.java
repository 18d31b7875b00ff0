package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** JSON for {@link SnapshotDelta}s ({@link SnapshotDelta#MEDIA_TYPE}), read under the same bounds as a snapshot. */
public final class SnapshotDeltaCodec {

    private SnapshotDeltaCodec() {
    }

    public static String toJson(SnapshotDelta delta) {
        try {
            return SnapshotCodec.mapper().writeValueAsString(delta);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a delta, or throws {@link InvalidSnapshotException} saying where it is wrong (never quoting values). */
    public static SnapshotDelta fromJson(byte[] json) {
        try {
            return SnapshotCodec.mapper().readValue(json, SnapshotDelta.class);
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
