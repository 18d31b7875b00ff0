package dev.portcullis.dataplane.testsupport;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pod that counts what reaches it: connections accepted and closed, request heads, and whole
 * requests (a body of its {@code Content-Length}, or a chunked body up to its last chunk). What it
 * does with a request is its {@link Behaviour}. One thread per connection; for small tests only.
 */
public final class RecordingPod implements AutoCloseable {

    public enum Behaviour {
        /** Answers 200 once the whole request is in. */
        ANSWER,
        /** Reads the request and never answers. */
        SILENT,
        /** Once the whole request is in, sends a response head and 10 of its 100 body bytes, then nothing. */
        STALL_MID_RESPONSE,
        /** Reads the head and then nothing: its receive window fills and it takes no more of a body. */
        STOP_READING,
        /** Answers a bodiless request with {@code 101} to protocol {@code chat}, then says nothing. */
        UPGRADE_THEN_SILENT
    }

    private final ServerSocket server;
    private final Behaviour behaviour;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final AtomicInteger heads = new AtomicInteger();
    private final AtomicInteger complete = new AtomicInteger();
    private final CountDownLatch stop = new CountDownLatch(1);

    private RecordingPod(ServerSocket server, Behaviour behaviour) {
        this.server = server;
        this.behaviour = behaviour;
    }

    public static RecordingPod start(Behaviour behaviour) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        if (behaviour == Behaviour.STOP_READING) {
            server.setReceiveBufferSize(4096);
        }
        RecordingPod pod = new RecordingPod(server, behaviour);
        Thread acceptor = new Thread(pod::acceptLoop, "recording-pod-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        return pod;
    }

    public int port() {
        return server.getLocalPort();
    }

    public int accepted() {
        return accepted.get();
    }

    /** Connections that ended (closed by the proxy, or by this pod after answering). */
    public int closed() {
        return closed.get();
    }

    public int heads() {
        return heads.get();
    }

    /** Requests that arrived whole. */
    public int complete() {
        return complete.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.incrementAndGet();
                Thread connection = new Thread(() -> serve(socket), "recording-pod-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                heads.incrementAndGet();
                if (behaviour == Behaviour.STOP_READING) {
                    stop.await();
                    return;
                }
                if (!readBody(in, head)) {
                    return;
                }
                complete.incrementAndGet();
                switch (behaviour) {
                    case SILENT -> {
                        stop.await();
                        return;
                    }
                    case UPGRADE_THEN_SILENT -> {
                        out.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: chat\r\nConnection: Upgrade\r\n\r\n"
                                .getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                        in.read(); // until the proxy closes the relay
                        return;
                    }
                    case STALL_MID_RESPONSE -> {
                        out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789".getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                        stop.await();
                        return;
                    }
                    default -> {
                        out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            // the proxy went away: counted below
        } finally {
            closed.incrementAndGet();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** Whether the whole body arrived (false: the connection ended first). */
    private static boolean readBody(InputStream in, String head) throws IOException {
        String lower = head.toLowerCase(Locale.ROOT);
        if (lower.contains("\r\ntransfer-encoding: chunked\r\n")) {
            // Enough for these tests' bodies (no trailers, no chunk extensions): the last chunk ends it.
            String tail = "\r\n";
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return false;
                }
                tail = (tail + (char) b);
                tail = tail.substring(Math.max(0, tail.length() - 7));
                if (tail.equals("\r\n0\r\n\r\n")) {
                    return true;
                }
            }
        }
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                try {
                    in.skipNBytes(Long.parseLong(line.substring(15).trim()));
                    return true;
                } catch (EOFException e) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public void close() {
        stop.countDown();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
