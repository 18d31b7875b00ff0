package dev.portcullis.dataplane.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for a server in another process, which cannot tell us the ephemeral port it got. Taken at
 * random below the kernel's ephemeral range (32768 up, by default): a port from that range, free
 * when asked, could be handed to any outgoing connection on the machine before the other process
 * binds it (seen in CI: "Address already in use"); one below it only to a process that asks for it.
 */
public final class FreePorts {

    private static final int LOWEST = 20_000;
    private static final int BELOW = 32_768;

    private FreePorts() {
    }

    public static int next() {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, BELOW);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // another one
            }
        }
        throw new IllegalStateException("no free port between " + LOWEST + " and " + BELOW + " on the loopback address");
    }
}
