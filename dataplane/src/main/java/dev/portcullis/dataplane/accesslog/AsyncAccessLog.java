package dev.portcullis.dataplane.accesslog;

import dev.portcullis.dataplane.config.AccessLogSettings;
import io.micrometer.core.instrument.Counter;
import io.netty.util.internal.PlatformDependent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The access log off the event loops: an event loop only puts an entry in a bounded lock-free queue;
 * one writer thread formats and writes, flushing when the queue runs dry. When the writer cannot keep
 * up, entries are dropped and counted, never waited for.
 */
public final class AsyncAccessLog implements AccessLogSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncAccessLog.class);
    static final int CAPACITY = 64 * 1024;

    private record Queued(AccessLogEntry entry, String format) {
    }

    private final Queue<Queued> queue = PlatformDependent.newFixedMpscQueue(CAPACITY);
    private final OutputStream out;
    private final Counter dropped;
    private final Thread writer;
    private volatile boolean parked;
    private volatile boolean closed;

    public AsyncAccessLog(OutputStream out, Counter dropped) {
        this.out = new BufferedOutputStream(out, 64 * 1024);
        this.dropped = dropped;
        this.writer = Thread.ofPlatform().daemon().name("portcullis-access-log").start(this::write);
    }

    @Override
    public void log(AccessLogEntry entry, AccessLogSettings settings) {
        if (!settings.enabled() || closed) {
            return;
        }
        if (entry.status() < 500 && settings.sampleRatio() < 1
                && ThreadLocalRandom.current().nextDouble() >= settings.sampleRatio()) {
            return;
        }
        if (!queue.offer(new Queued(entry, settings.format()))) {
            dropped.increment();
            return;
        }
        if (parked) {
            parked = false;
            LockSupport.unpark(writer);
        }
    }

    private void write() {
        StringBuilder text = new StringBuilder(256);
        while (true) {
            Queued next = queue.poll();
            if (next == null) {
                flush();
                if (closed) {
                    return;
                }
                parked = true;
                if (queue.isEmpty() && !closed) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                }
                parked = false;
                continue;
            }
            try {
                if (next.format().equals(AccessLogSettings.TEXT)) {
                    AccessLogFormat.writeText(next.entry(), text);
                    out.write(text.toString().getBytes(StandardCharsets.UTF_8));
                } else {
                    AccessLogFormat.writeJson(next.entry(), out);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("access log: cannot write: {}", e.toString());
            }
        }
    }

    private void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            LOG.warn("access log: cannot flush: {}", e.toString());
        }
    }

    /** Writes what is queued, then stops the writer. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(writer);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
