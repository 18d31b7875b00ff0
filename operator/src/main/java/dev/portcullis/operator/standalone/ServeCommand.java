package dev.portcullis.operator.standalone;

import dev.portcullis.dataplane.server.DataPlaneServer;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** {@code serve -f DIR}: an embedded data plane serving the translated manifests, following their edits. */
public final class ServeCommand implements AutoCloseable {

    private final DataPlaneServer server;
    private final ManifestWatcher watcher;

    private ServeCommand(DataPlaneServer server, ManifestWatcher watcher) {
        this.server = server;
        this.watcher = watcher;
    }

    public static ServeCommand start(Path directory, DataPlaneServer.Listen listen, Duration interval) throws IOException {
        DataPlaneServer server = DataPlaneServer.start(listen);
        try {
            return new ServeCommand(server, ManifestWatcher.start(directory, server.config(), interval));
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
