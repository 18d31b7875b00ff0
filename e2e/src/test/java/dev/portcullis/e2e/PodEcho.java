package dev.portcullis.e2e;

import dev.portcullis.dataplane.demo.EchoBackend;

import java.util.concurrent.CountDownLatch;

/** A "pod" for tests that run it inside a network namespace: an echo backend on 0.0.0.0 until killed. */
public final class PodEcho {

    private PodEcho() {
    }

    public static void main(String[] args) throws Exception {
        EchoBackend.start(args[0], "0.0.0.0", Integer.parseInt(args[1]));
        System.out.println("pod " + args[0] + " listening on " + args[1]);
        new CountDownLatch(1).await();
    }
}
