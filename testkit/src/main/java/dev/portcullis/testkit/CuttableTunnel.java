package dev.portcullis.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP tunnel on 127.0.0.1 to a target that a test can cut (every connection closed, new ones
 * refused) and restore on the same port: how a test makes a client lose its watches for a while.
 */
public final class CuttableTunnel implements AutoCloseable {

    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private ServerSocket listener;

    private CuttableTunnel(InetSocketAddress target, int port) {
        this.target = target;
        this.port = port;
    }

    public static CuttableTunnel to(URI target) {
        CuttableTunnel tunnel = new CuttableTunnel(new InetSocketAddress(target.getHost(), target.getPort()),
                RealApiServer.freePort());
        tunnel.restore();
        return tunnel;
    }

    /** The target's URL with the tunnel's port. */
    public URI url(URI target) {
        return URI.create(target.getScheme() + "://127.0.0.1:" + port);
    }

    /** Closes every relayed connection and refuses new ones until {@link #restore()}. */
    public synchronized void cut() {
        closeQuietly(listener);
        listener = null;
        sockets.forEach(CuttableTunnel::closeQuietly);
        sockets.clear();
    }

    public synchronized void restore() {
        if (listener != null) {
            return;
        }
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            listener = socket;
            Thread.ofPlatform().daemon().name("tunnel-accept-" + port).start(() -> accept(socket));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                if (!track(socket, client, upstream)) {
                    closeQuietly(client);
                    closeQuietly(upstream);
                    return;
                }
                relay(client, upstream);
                relay(upstream, client);
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** False when a cut closed {@code listener} while it accepted: the connection must not outlive the cut. */
    private synchronized boolean track(ServerSocket acceptedBy, Socket client, Socket upstream) {
        if (listener != acceptedBy) {
            return false;
        }
        sockets.add(client);
        sockets.add(upstream);
        return true;
    }

    private void relay(Socket from, Socket to) {
        Thread.ofPlatform().daemon().name("tunnel-relay-" + port).start(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int read; (read = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, read);
                }
            } catch (IOException closed) {
                // cut, or the peer went away
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        });
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        cut();
    }
}
