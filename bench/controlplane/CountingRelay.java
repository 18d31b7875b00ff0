import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on 127.0.0.1 between the data plane and the operator's snapshot channel that counts
 * the bytes each way: the bytes on the wire per change, TLS records and HTTP framing included,
 * whatever the channel's protocol is.
 */
final class CountingRelay implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final AtomicLong toClient = new AtomicLong();
    private final AtomicLong toServer = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();

    private CountingRelay(ServerSocket listener, InetSocketAddress target) {
        this.listener = listener;
        this.target = target;
    }

    static CountingRelay to(int targetPort) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        CountingRelay relay = new CountingRelay(listener, new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
        Thread.ofPlatform().daemon().name("relay-accept").start(relay::accept);
        return relay;
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Bytes from the operator to the data plane so far. */
    long bytesToDataPlane() {
        return toClient.get();
    }

    long bytesToOperator() {
        return toServer.get();
    }

    long connections() {
        return connections.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                try {
                    server.connect(target, 2000);
                } catch (IOException refused) {
                    client.close(); // the operator is not listening yet: the data plane backs off and retries
                    continue;
                }
                connections.incrementAndGet();
                Thread.ofPlatform().daemon().start(() -> pump(client, server, toServer));
                Thread.ofPlatform().daemon().start(() -> pump(server, client, toClient));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void pump(Socket from, Socket to, AtomicLong counter) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                counter.addAndGet(read);
            }
        } catch (IOException ignored) {
            // one side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
