package dev.portcullis.dataplane.testsupport;

import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.TlsCertificate;
import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.demo.EchoBackend;
import dev.portcullis.dataplane.tls.IssuedCertificate;

import java.util.Collection;
import java.util.List;

/** Short ways to write the snapshot parts tests need. */
public final class Snapshots {
    private Snapshots() {
    }

    public static VirtualHost host(String hostname, String certificate, Route... routes) {
        return new VirtualHost(hostname, TlsMode.TERMINATE, certificate, List.of(routes));
    }

    public static Route prefix(String path, String cluster) {
        return new Route(PathMatch.prefix(path), cluster);
    }

    public static Route exact(String path, String cluster) {
        return new Route(PathMatch.exact(path), cluster);
    }

    public static TlsCertificate certificate(String name, IssuedCertificate issued) {
        return new TlsCertificate(name, issued.chainPem(), issued.privateKeyPem());
    }

    public static List<Endpoint> endpoints(Collection<EchoBackend> backends) {
        return backends.stream()
                .map(backend -> Endpoint.ready(backend.address().getHostString(), backend.address().getPort()))
                .toList();
    }
}
