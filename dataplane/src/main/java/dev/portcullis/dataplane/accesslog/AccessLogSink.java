package dev.portcullis.dataplane.accesslog;

import dev.portcullis.dataplane.config.AccessLogSettings;

/** Where access log entries go; called on event loops, so it must never block. */
public interface AccessLogSink {

    AccessLogSink NONE = (entry, settings) -> { };

    void log(AccessLogEntry entry, AccessLogSettings settings);
}
