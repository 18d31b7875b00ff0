package dev.portcullis.dataplane.accesslog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;

/** Writes entries as lines: a JSON object, or the same fields space-separated ({@code -} when empty). */
final class AccessLogFormat {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private AccessLogFormat() {
    }

    /** One generator for all the lines a writer writes to {@code out}: it does not close {@code out}. */
    static JsonGenerator jsonLines(OutputStream out) throws IOException {
        JsonGenerator json = JSON.createGenerator(out);
        json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
        json.setRootValueSeparator(null); // each object ends its own line
        return json;
    }

    static void writeJson(AccessLogEntry entry, JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("time", Instant.ofEpochMilli(entry.epochMillis()).toString());
        json.writeStringField("kind", entry.kind());
        json.writeStringField("client", entry.client());
        optional(json, "sni", entry.sni());
        optional(json, "tls", entry.tlsVersion());
        optional(json, "cipher", entry.cipher());
        optional(json, "clientSubject", entry.clientSubject());
        optional(json, "host", entry.host());
        optional(json, "method", entry.method());
        optional(json, "path", entry.path());
        optional(json, "protocol", entry.protocol());
        if (!entry.kind().equals("passthrough")) {
            json.writeNumberField("status", entry.status());
        }
        json.writeNumberField("bytesSent", entry.bytesSent());
        if (entry.kind().equals("passthrough")) {
            json.writeNumberField("bytesReceived", entry.bytesReceived());
        }
        optional(json, "upstream", entry.upstream());
        optional(json, "cluster", entry.cluster());
        if (entry.upstreamMillis() >= 0) {
            json.writeNumberField("upstreamMillis", entry.upstreamMillis());
        }
        json.writeNumberField("totalMillis", entry.totalMillis());
        json.writeNumberField("retries", entry.retries());
        optional(json, "requestId", entry.requestId());
        json.writeEndObject();
        json.writeRaw('\n');
    }

    static void writeText(AccessLogEntry entry, StringBuilder line) {
        line.setLength(0);
        line.append(Instant.ofEpochMilli(entry.epochMillis())).append(' ').append(entry.kind()).append(' ');
        field(line, entry.client());
        field(line, entry.sni());
        field(line, entry.tlsVersion());
        field(line, entry.cipher());
        field(line, entry.clientSubject());
        field(line, entry.host());
        field(line, entry.method());
        field(line, entry.path());
        field(line, entry.protocol());
        line.append(entry.status()).append(' ').append(entry.bytesSent()).append(' ').append(entry.bytesReceived()).append(' ');
        field(line, entry.upstream());
        field(line, entry.cluster());
        line.append(entry.upstreamMillis()).append(' ').append(entry.totalMillis()).append(' ').append(entry.retries()).append(' ');
        line.append(entry.requestId() == null ? "-" : entry.requestId()).append('\n');
    }

    private static void optional(JsonGenerator json, String name, String value) throws IOException {
        if (value != null) {
            json.writeStringField(name, value);
        }
    }

    /** A value with no spaces or controls in it, or {@code -}: a path is written as the client sent it, escaped. */
    private static void field(StringBuilder line, String value) {
        if (value == null || value.isEmpty()) {
            line.append('-');
        } else {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c <= ' ' || c == 0x7f) {
                    line.append(String.format("\\x%02x", (int) c));
                } else {
                    line.append(c);
                }
            }
        }
        line.append(' ');
    }
}
