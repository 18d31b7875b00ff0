package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON for snapshots, the wire and file format between control plane and data plane. */
public final class SnapshotCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
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
        try {
            return MAPPER.readValue(json, Snapshot.class);
        } catch (JsonProcessingException e) {
            throw new InvalidSnapshotException(describe(e), e);
        } catch (IOException e) {
            // Bytes that are no text in an encoding JSON allows (CharConversionException): as invalid as bad JSON.
            throw new InvalidSnapshotException("the snapshot is not JSON text: " + e.getMessage(), e);
        }
    }

    private static String describe(JsonProcessingException e) {
        String location = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        String path = e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping
                ? " (" + mapping.getPathReference() + ")" : "";
        return e.getOriginalMessage() + location + path;
    }
}
