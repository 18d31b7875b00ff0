package dev.portcullis.dataplane.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;

/** What a data plane serves: a snapshot file, or what the operator publishes (a picocli mixin). */
public final class ServeOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--snapshot", paramLabel = "FILE",
            description = "Serve the snapshot in FILE (JSON) and apply it again whenever it changes.")
    Path snapshot;

    @Option(names = "--control-plane", paramLabel = "URL", defaultValue = "${env:PORTCULLIS_CONTROL_PLANE}",
            description = "Serve what the operator at URL (https://HOST:PORT) publishes; while it is away the last "
                    + "snapshot keeps being served. Env: PORTCULLIS_CONTROL_PLANE.")
    String controlPlane;

    @Option(names = "--client-cert", paramLabel = "DIR", defaultValue = "${env:PORTCULLIS_CLIENT_CERT}",
            description = "With --control-plane: the mounted client certificate Secret (tls.crt, tls.key, ca.crt). "
                    + "Env: PORTCULLIS_CLIENT_CERT.")
    String clientCert;

    @Option(names = "--ingress-class", paramLabel = "NAME", defaultValue = "${env:PORTCULLIS_INGRESS_CLASS}",
            description = "With --control-plane: serve only this IngressClass's Ingresses (default: all the "
                    + "operator's). Env: PORTCULLIS_INGRESS_CLASS.")
    String ingressClass;

    /** The operator to follow, if one is named; a usage error when it is named without a client certificate. */
    public Optional<ControlPlane> controlPlane() {
        if (blank(controlPlane)) {
            return Optional.empty();
        }
        if (snapshot != null) {
            throw usage("--snapshot and --control-plane (or PORTCULLIS_CONTROL_PLANE) exclude each other");
        }
        if (blank(clientCert)) {
            throw usage("--control-plane needs --client-cert DIR (or PORTCULLIS_CLIENT_CERT)");
        }
        try {
            URI url = new URI(controlPlane);
            if (!"https".equals(url.getScheme()) || url.getHost() == null) {
                throw usage("--control-plane takes https://HOST:PORT, not '" + controlPlane + "'");
            }
            return Optional.of(new ControlPlane(url, Path.of(clientCert), blank(ingressClass) ? null : ingressClass));
        } catch (URISyntaxException e) {
            throw usage("--control-plane takes https://HOST:PORT, not '" + controlPlane + "'");
        }
    }

    /** The snapshot file; a usage error when neither it nor an operator is named. */
    public Path snapshot() {
        if (snapshot == null) {
            throw usage("--snapshot FILE (or --control-plane URL) is required");
        }
        return snapshot;
    }

    private ParameterException usage(String message) {
        return new ParameterException(command.commandLine(), message);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /** An operator to long-poll, with the client certificate folder and the IngressClass to ask for (or null). */
    public record ControlPlane(URI url, Path clientCertificates, String ingressClass) {
    }
}
