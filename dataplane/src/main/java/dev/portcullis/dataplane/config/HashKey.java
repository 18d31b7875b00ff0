package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a {@link BalancePolicy#RING_HASH} cluster hashes: a request header, a cookie, the request
 * target (path and query, nginx's {@code $request_uri}) or the client's address. A request
 * without the header or cookie is balanced as by round-robin.
 *
 * @param name the header or cookie name; {@code null} for the client address
 */
public record HashKey(Source source, @JsonInclude(JsonInclude.Include.NON_NULL) String name) {

    public enum Source {
        @JsonProperty("header") HEADER,
        @JsonProperty("cookie") COOKIE,
        @JsonProperty("client-ip") CLIENT_IP,
        @JsonProperty("uri") URI
    }

    public static final HashKey CLIENT_ADDRESS = new HashKey(Source.CLIENT_IP, null);
    public static final HashKey REQUEST_URI = new HashKey(Source.URI, null);

    public static HashKey header(String name) {
        return new HashKey(Source.HEADER, name);
    }

    public static HashKey cookie(String name) {
        return new HashKey(Source.COOKIE, name);
    }

    /** Whether the key comes from the HTTP request (a passthrough connection has none). */
    public boolean needsHttp() {
        return source != Source.CLIENT_IP;
    }

    /** Whether {@link #name()} says which header or cookie. */
    public boolean named() {
        return source == Source.HEADER || source == Source.COOKIE;
    }

    @Override
    public String toString() {
        return source == Source.CLIENT_IP ? "client-ip" : source == Source.URI ? "uri"
                : source.name().toLowerCase(java.util.Locale.ROOT) + ":" + name;
    }
}
