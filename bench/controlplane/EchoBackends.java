import dev.portcullis.dataplane.demo.EchoBackend;

import java.util.concurrent.CountDownLatch;

/**
 * The control-plane benchmark's backends, run inside its network namespace (a real API server
 * refuses EndpointSlice addresses in 127.0.0.0/8): the project's echo backend on each port given,
 * answering "backend: NAME". Arguments: PORT NAME [PORT NAME ...]. Runs until killed.
 */
public class EchoBackends {
    public static void main(String[] args) throws Exception {
        for (int i = 0; i + 1 < args.length; i += 2) {
            EchoBackend.start(args[i + 1], "0.0.0.0", Integer.parseInt(args[i]));
            System.out.println("echo backend " + args[i + 1] + " listening on " + args[i]);
        }
        new CountDownLatch(1).await();
    }
}
