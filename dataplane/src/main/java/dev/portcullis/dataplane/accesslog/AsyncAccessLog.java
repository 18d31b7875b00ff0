package dev.portcullis.dataplane.accesslog;

import dev.portcullis.dataplane.config.AccessLogSettings;
import com.fasterxml.jackson.core.JsonGenerator;
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
 * one writer thread wakes every {@value #PERIOD_MILLIS} ms, formats and writes what is queued, and
 * flushes. Event loops never wake it (a wake-up per request costs a context switch on a busy core),
 * unless the queue is half full. When the writer cannot keep up, entries are dropped and counted,
 * never waited for.
 */
public final class AsyncAccessLog implements AccessLogSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncAccessLog.class);
    static final int CAPACITY = 64 * 1024;
    static final long PERIOD_MILLIS = 20;

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
        if (parked && queue.size() > CAPACITY / 2) {
            parked = false;
            LockSupport.unpark(writer);
        }
    }

    private void write() {
        StringBuilder text = new StringBuilder(256);
        JsonGenerator json;
        try {
            json = AccessLogFormat.jsonLines(out);
        } catch (IOException e) {
            LOG.warn("access log: cannot write: {}", e.toString());
            return;
        }
        while (true) {
            boolean stopping = closed;
            Queued next;
            while ((next = queue.poll()) != null) {
                try {
                    if (next.format().equals(AccessLogSettings.TEXT)) {
                        json.flush(); // a JSON line before it goes out first
                        AccessLogFormat.writeText(next.entry(), text);
                        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
                    } else {
                        AccessLogFormat.writeJson(next.entry(), json);
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.warn("access log: cannot write: {}", e.toString());
                }
            }
            try {
                json.flush();
            } catch (IOException e) {
                LOG.warn("access log: cannot flush: {}", e.toString());
            }
            flush();
            if (stopping) {
                return;
            }
            parked = true;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS));
            parked = false;
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
