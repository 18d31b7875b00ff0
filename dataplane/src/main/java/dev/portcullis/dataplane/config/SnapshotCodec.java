package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * JSON for snapshots, the wire and file format between control plane and data plane. Reading is
 * bounded: at most {@link #MAX_SNAPSHOT_BYTES} (after gzip, for a compressed answer), nested at most
 * {@link #MAX_NESTING_DEPTH} deep; anything else is an {@link InvalidSnapshotException} with one line.
 */
public final class SnapshotCodec {

    /** About 25,000 hosts with their certificates; past this a snapshot is refused, not read into memory. */
    public static final int MAX_SNAPSHOT_BYTES = 128 * 1024 * 1024;
    /** A snapshot nests about 6 levels deep. */
    static final int MAX_NESTING_DEPTH = 32;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING_DEPTH)
                            .maxDocumentLength(MAX_SNAPSHOT_BYTES)
                            .build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private SnapshotCodec() {
    }

    public static String toJson(Snapshot snapshot) {
        try {
            return MAPPER.writeValueAsString(snapshot);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a snapshot, or throws {@link InvalidSnapshotException} saying where the JSON is wrong.
     * The message never quotes field values, so a private key cannot leak into a log.
     */
    public static Snapshot fromJson(byte[] json) {
        if (json.length > MAX_SNAPSHOT_BYTES) {
            throw tooLarge(MAX_SNAPSHOT_BYTES);
        }
        try {
            return MAPPER.readValue(json, Snapshot.class);
        } catch (JsonProcessingException e) {
            throw new InvalidSnapshotException(describe(e), e);
        } catch (IOException e) {
            // Bytes that are no text in an encoding JSON allows (CharConversionException): as invalid as bad JSON.
            throw new InvalidSnapshotException("the snapshot is not JSON text: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a snapshot from a stream (an HTTP body, gzip-decoded or not; a file), refusing one larger
     * than {@link #MAX_SNAPSHOT_BYTES} before it is all in memory. A stream that fails mid-way (a
     * connection cut, corrupt gzip) is an {@link IOException}.
     */
    public static Snapshot read(InputStream in) throws IOException {
        return fromJson(readBounded(in));
    }

    /** At most {@link #MAX_SNAPSHOT_BYTES} of the stream, or {@link InvalidSnapshotException} saying it is larger. */
    public static byte[] readBounded(InputStream in) throws IOException {
        return readBounded(in, MAX_SNAPSHOT_BYTES);
    }

    static byte[] readBounded(InputStream in, int limit) throws IOException {
        byte[] bytes = in.readNBytes(limit + 1);
        if (bytes.length > limit) {
            throw tooLarge(limit);
        }
        return bytes;
    }

    private static InvalidSnapshotException tooLarge(int limit) {
        return new InvalidSnapshotException("snapshot is larger than " + (limit >= 1024 * 1024
                ? limit / (1024 * 1024) + " MiB" : limit + " bytes") + ", the most a data plane reads");
    }

    /** The one mapper, bounded as above, for the other documents of the wire ({@link SnapshotDeltaCodec}). */
    static ObjectMapper mapper() {
        return MAPPER;
    }

    static String describe(JsonProcessingException e) {
        String location = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        String path = e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping
                ? " (" + mapping.getPathReference() + ")" : "";
        return e.getOriginalMessage() + location + path;
    }
}
