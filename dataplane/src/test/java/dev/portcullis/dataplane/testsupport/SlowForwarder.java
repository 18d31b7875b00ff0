package dev.portcullis.dataplane.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A one-connection TCP forwarder to 127.0.0.1:{@code target} that sends the client's first
 * {@code slowBytes} bytes one TCP segment per byte, so a ClientHello arrives in pieces.
 */
public final class SlowForwarder implements AutoCloseable {

    private final ServerSocket listener;
    private final Thread thread;

    public SlowForwarder(int target, int slowBytes) throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> forward(target, slowBytes), "slow-forwarder");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    private void forward(int target, int slowBytes) {
        try (Socket client = listener.accept(); Socket proxy = new Socket(InetAddress.getLoopbackAddress(), target)) {
            client.setTcpNoDelay(true);
            proxy.setTcpNoDelay(true);
            Thread back = new Thread(() -> copy(proxy, client, 0), "slow-forwarder-back");
            back.setDaemon(true);
            back.start();
            copy(client, proxy, slowBytes);
            back.join(20_000);
        } catch (IOException | InterruptedException ignored) {
            // the test sees the failure from its own side
        }
    }

    private static void copy(Socket from, Socket to, int slowBytes) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int sent = 0;
            while (sent < slowBytes) {
                int b = in.read();
                if (b < 0) {
                    to.shutdownOutput();
                    return;
                }
                out.write(b);
                out.flush();
                sent++;
                Thread.sleep(1);
            }
            in.transferTo(out);
            to.shutdownOutput();
        } catch (IOException | InterruptedException ignored) {
            // connection over
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
