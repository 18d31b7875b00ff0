package dev.portcullis.dataplane.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** {@code /debug/endpoints}: cluster, then endpoint, then its state, as indented JSON. */
public final class EndpointsJson {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private EndpointsJson() {
    }

    public static String of(EndpointHealth health) {
        try {
            return MAPPER.writeValueAsString(health.view()) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the endpoints' state", e);
        }
    }
}
