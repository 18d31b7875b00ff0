package dev.portcullis.operator.standalone;

import dev.portcullis.dataplane.server.DataPlaneServer;
import dev.portcullis.operator.ocsp.OcspFetcher;
import dev.portcullis.operator.ocsp.OcspStapler;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** {@code serve -f DIR}: an embedded data plane serving the translated manifests, following their edits. */
public final class ServeCommand implements AutoCloseable {

    static final Duration OCSP_TIMEOUT = Duration.ofSeconds(10);
    static final Duration OCSP_TICK = Duration.ofSeconds(30);

    private final DataPlaneServer server;
    private final ManifestWatcher watcher;

    private ServeCommand(DataPlaneServer server, ManifestWatcher watcher) {
        this.server = server;
        this.watcher = watcher;
    }

    public static ServeCommand start(Path directory, DataPlaneServer.Listen listen, Duration interval) throws IOException {
        return start(directory, listen, interval, java.time.Clock.systemUTC());
    }

    /** As above, with the clock that decides session ticket rotations; the folder gets its session ticket Secret if it has none. */
    public static ServeCommand start(Path directory, DataPlaneServer.Listen listen, Duration interval, java.time.Clock clock)
            throws IOException {
        return start(directory, listen, interval, clock, new OcspFetcher(OCSP_TIMEOUT), OCSP_TICK);
    }

    /**
     * As above, with how OCSP responses are fetched (responders named by the folder's certificates; the
     * stapler's meters join {@code /metrics}).
     */
    public static ServeCommand start(Path directory, DataPlaneServer.Listen listen, Duration interval, java.time.Clock clock,
                                     OcspFetcher fetcher, Duration ocspTick) throws IOException {
        SessionTicketFile.ensure(directory);
        DataPlaneServer server = DataPlaneServer.start(listen);
        try {
            return new ServeCommand(server, ManifestWatcher.start(directory, server.config(), interval, clock,
                    onChange -> new OcspStapler(fetcher, clock, server.metrics().registry(), onChange).start(ocspTick)));
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    public DataPlaneServer server() {
        return server;
    }

    /** The problems of the manifests as last read. */
    public java.util.List<dev.portcullis.operator.translate.Problem> problems() {
        return watcher.problems();
    }

    ManifestWatcher watcher() {
        return watcher;
    }

    @Override
    public void close() {
        watcher.close();
        server.close();
    }
}
