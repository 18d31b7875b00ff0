package dev.portcullis.dataplane.passthrough;

import dev.portcullis.dataplane.balance.Balancer;
import dev.portcullis.dataplane.config.BalancePolicy;
import dev.portcullis.dataplane.config.Cluster;
import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.PathMatch;
import dev.portcullis.dataplane.config.Route;
import dev.portcullis.dataplane.config.Snapshot;
import dev.portcullis.dataplane.config.TlsMode;
import dev.portcullis.dataplane.config.VirtualHost;
import dev.portcullis.dataplane.testsupport.TestDataPlane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Least-request on a passthrough host counts relayed connections: a pod whose connections ended
 * gets the next ones until it holds as many as the other. Real sockets: the pods are TCP listeners
 * that hold what they accept; the client sends a real ClientHello (the JDK's) and nothing more.
 */
class PassthroughLeastRequestTest {

    private static final String HOST = "secure.example.test";

    private final List<Socket> clients = new ArrayList<>();
    private final List<Socket> clientsOfB = new ArrayList<>();
    private TcpPod a;
    private TcpPod b;
    private TestDataPlane dataPlane;

    @AfterEach
    void stop() throws IOException {
        for (Socket client : clients) {
            client.close();
        }
        dataPlane.close();
        a.close();
        b.close();
    }

    @Test
    void aPodWhoseConnectionsEndedGetsTheNextOnes() throws Exception {
        a = new TcpPod();
        b = new TcpPod();
        dataPlane = TestDataPlane.serving(new Snapshot(1, List.of(new VirtualHost(HOST, TlsMode.PASSTHROUGH, null,
                List.of(new Route(PathMatch.prefix("/"), "pass")), false)),
                List.of(new Cluster("pass", BalancePolicy.LEAST_REQUEST, List.of(Endpoint.ready("127.0.0.1", a.port()),
                        Endpoint.ready("127.0.0.1", b.port())), 0, 0)), List.of(), null));
        for (int i = 0; i < 6; i++) {
            connect();
            assertThat(Math.abs(a.held() - b.held())).as("never more than one apart").isLessThanOrEqualTo(1);
        }
        assertThat(a.held()).isEqualTo(3);
        assertThat(b.held()).isEqualTo(3);

        for (Socket relayed : b.accepted) { // b's connections end; the relay closes their clients too
            relayed.close();
        }
        for (Socket client : clientsOfB) {
            client.setSoTimeout(10_000);
            assertThat(client.getInputStream().read()).as("the pod's end reached the client").isEqualTo(-1);
            client.close(); // and the client ends its side: the relay is over
        }
        Balancer balancer = dataPlane.server().config().current().clusters().get("pass").balancer();
        InetSocketAddress endpointB = new InetSocketAddress("127.0.0.1", b.port());
        await().atMost(Duration.ofSeconds(10)).until(() -> balancer.inFlight(endpointB) == 0);
        assertThat(balancer.inFlight(new InetSocketAddress("127.0.0.1", a.port()))).isEqualTo(3);

        for (int i = 0; i < 3; i++) {
            connect();
        }
        assertThat(b.accepted).as("all three new connections go to b, which held none").hasSize(6);
        assertThat(a.accepted).hasSize(3);
    }

    private void connect() throws Exception {
        int before = a.accepted.size() + b.accepted.size();
        Socket client = new Socket("127.0.0.1", dataPlane.httpsPort());
        clients.add(client);
        client.getOutputStream().write(clientHello());
        client.getOutputStream().flush();
        Socket accepted = TcpPod.ACCEPTS.poll(10, TimeUnit.SECONDS);
        assertThat(accepted).as("a pod accepted the relay").isNotNull();
        assertThat(a.accepted.size() + b.accepted.size()).isEqualTo(before + 1);
        if (b.accepted.contains(accepted)) {
            clientsOfB.add(client);
        }
    }

    private static byte[] clientHello() throws Exception {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine(HOST, 443);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(HOST)));
        engine.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] hello = new byte[out.remaining()];
        out.get(hello);
        return hello;
    }

    /** A TCP listener that accepts and holds connections, reading what comes so the relay never stalls. */
    private static final class TcpPod implements AutoCloseable {
        static final BlockingQueue<Socket> ACCEPTS = new LinkedBlockingQueue<>();
        final List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final ServerSocket server = new ServerSocket();
        private final Thread acceptor;

        TcpPod() throws IOException {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        Socket socket = server.accept();
                        accepted.add(socket);
                        Thread.ofVirtual().start(() -> drain(socket));
                        ACCEPTS.add(socket);
                    }
                } catch (IOException closed) {
                    // the pod stops
                }
            });
        }

        private static void drain(Socket socket) {
            try (InputStream in = socket.getInputStream()) {
                in.transferTo(OutputStreamSink.INSTANCE);
            } catch (IOException ignored) {
                // closed
            }
        }

        int port() {
            return server.getLocalPort();
        }

        int held() {
            return (int) accepted.stream().filter(socket -> !socket.isClosed()).count();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : accepted) {
                socket.close();
            }
            acceptor.interrupt();
        }
    }

    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
