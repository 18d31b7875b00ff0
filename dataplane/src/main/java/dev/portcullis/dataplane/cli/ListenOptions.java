package dev.portcullis.dataplane.cli;

import dev.portcullis.dataplane.server.DataPlaneServer;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** Where a data plane listens, and its limits: the options every serving command shares (a picocli mixin). */
public final class ListenOptions {

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "${env:PORTCULLIS_BIND:-127.0.0.1}",
            description = "Address the listeners bind to (in a pod: 0.0.0.0). Env: PORTCULLIS_BIND. "
                    + "Default: ${DEFAULT-VALUE}.")
    String bind;

    @Option(names = "--http-port", paramLabel = "N", defaultValue = "8080", converter = Port.class,
            description = "Plain HTTP listener. Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Option(names = "--https-port", paramLabel = "N", defaultValue = "8443", converter = Port.class,
            description = "TLS listener. Default: ${DEFAULT-VALUE}.")
    int httpsPort;

    @Option(names = "--admin-port", paramLabel = "N", defaultValue = "9090", converter = Port.class,
            description = "Admin listener: /healthz, /readyz, /metrics. Default: ${DEFAULT-VALUE}.")
    int adminPort;

    @Option(names = "--https-redirect-port", paramLabel = "N", defaultValue = "0", converter = Port.class,
            description = "The port in redirects to https (behind a load balancer: its port). "
                    + "Default: the TLS listener's port.")
    int httpsRedirectPort;

    @Mixin
    LimitOptions limits;

    public DataPlaneServer.Listen listen() {
        return new DataPlaneServer.Listen(bind, httpPort, httpsPort, adminPort, httpsRedirectPort, limits.overrides());
    }

    /** A TCP port, 0 to 65535. */
    public static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int port = Integer.parseInt(value);
                if (port >= 0 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new TypeConversionException("must be a port number from 0 to 65535, not '" + value + "'");
        }
    }
}
