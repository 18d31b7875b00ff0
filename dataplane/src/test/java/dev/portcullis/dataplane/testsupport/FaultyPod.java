package dev.portcullis.dataplane.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pod whose faults a test turns on and off: it answers {@code status} (200 at first) to every
 * request and {@code healthStatus} to {@code GET /healthz}; with {@code reset} it reads a request
 * and resets the connection without a byte of answer; with {@code hold} each request waits for a
 * permit of {@code gate} before it is answered. It counts what it got: {@link #requests} (health
 * checks aside), {@link #healthChecks}, and the method of each request. One connection per
 * request ({@code Connection: close}), so nothing is pooled.
 */
public final class FaultyPod implements AutoCloseable {

    public final String name;
    public final AtomicInteger status = new AtomicInteger(200);
    public final AtomicInteger healthStatus = new AtomicInteger(200);
    public volatile boolean reset;
    public volatile boolean hold;
    public final Semaphore gate = new Semaphore(0, true); // fair: a later request cannot take an earlier one's permit
    public final AtomicInteger requests = new AtomicInteger();
    public final AtomicInteger healthChecks = new AtomicInteger();
    public final List<String> methods = new CopyOnWriteArrayList<>();
    private final ServerSocket server;

    private FaultyPod(String name) throws IOException {
        this.name = name;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    public static FaultyPod start(String name) throws IOException {
        return new FaultyPod(name);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            String head = RawHttp.readHead(in);
            if (head == null || head.isEmpty()) {
                return;
            }
            String[] requestLine = head.split("\r\n", 2)[0].split(" ");
            int contentLength = 0;
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    contentLength = Integer.parseInt(line.substring(15).strip());
                }
            }
            in.readNBytes(contentLength);
            int answer;
            if (requestLine[1].equals("/healthz")) {
                healthChecks.incrementAndGet();
                answer = healthStatus.get();
            } else {
                methods.add(requestLine[0]);
                requests.incrementAndGet();
                if (reset) {
                    socket.setSoLinger(true, 0); // close sends RST
                    return;
                }
                if (hold) {
                    gate.acquire();
                }
                answer = status.get();
            }
            byte[] body = (name + " " + answer + "\n").getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 " + answer + " X\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
        } catch (IOException | InterruptedException e) {
            // the proxy went away; nothing to answer
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        gate.release(1000);
    }
}
