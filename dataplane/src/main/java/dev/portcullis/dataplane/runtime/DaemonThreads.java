package dev.portcullis.dataplane.runtime;

import java.util.concurrent.ThreadFactory;

/** Named daemon threads for the background work (watchers, admin, publishing) that must never keep the JVM alive. */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    public static ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
