package dev.portcullis.dataplane.auth;

import dev.portcullis.dataplane.config.AccessRules.ExternalAuth;
import dev.portcullis.dataplane.config.IpLiteral;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.AsciiString;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * An external authentication service, parsed once when a snapshot compiles: where to connect, what
 * to ask, and which of its answer's headers the pod gets.
 *
 * @param literal         the host as an IP address when the URL names one (then nothing is looked up)
 * @param hostHeader      the subrequest's {@code Host}
 * @param target          the subrequest's path and query
 * @param responseHeaders the 2xx answer's headers copied to the request the pod gets, lower case
 */
public record ExternalAuthTarget(boolean tls, String host, InetAddress literal, int port, String hostHeader,
                                 String target, HttpMethod method, String signin, List<AsciiString> responseHeaders) {

    public static ExternalAuthTarget of(ExternalAuth auth) {
        URI uri = URI.create(auth.url());
        boolean tls = uri.getScheme().equalsIgnoreCase("https");
        String host = uri.getHost();
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        return new ExternalAuthTarget(tls, bare.toLowerCase(Locale.ROOT), IpLiteral.parse(bare).orElse(null), port,
                uri.getPort() > 0 ? host + ":" + uri.getPort() : host, target, HttpMethod.valueOf(auth.method()),
                auth.signin(), auth.responseHeaders().stream().map(name -> AsciiString.of(name.toLowerCase(Locale.ROOT))).toList());
    }
}
