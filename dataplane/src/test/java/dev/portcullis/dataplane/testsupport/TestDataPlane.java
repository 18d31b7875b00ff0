package dev.portcullis.dataplane.testsupport;

import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.server.DataPlaneServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;

/** A data plane on ephemeral loopback ports, serving a snapshot applied up front. */
public final class TestDataPlane implements AutoCloseable {

    private final DataPlaneServer server;

    private TestDataPlane(DataPlaneServer server) {
        this.server = server;
    }

    public static TestDataPlane serving(Snapshot snapshot) {
        try {
            DataPlaneServer server = DataPlaneServer.start(DataPlaneServer.Listen.loopbackEphemeral());
            if (snapshot != null) {
                server.config().apply(snapshot);
            }
            return new TestDataPlane(server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public DataPlaneServer server() {
        return server;
    }

    public int httpsPort() {
        return server.httpsAddress().getPort();
    }

    public int httpPort() {
        return server.httpAddress().getPort();
    }

    public URI https(String host, String path) {
        return URI.create("https://" + host + ":" + httpsPort() + path);
    }

    public URI http(String host, String path) {
        return URI.create("http://" + host + ":" + httpPort() + path);
    }

    public URI admin(String path) {
        return URI.create("http://127.0.0.1:" + server.adminAddress().getPort() + path);
    }

    @Override
    public void close() {
        server.close();
    }
}
