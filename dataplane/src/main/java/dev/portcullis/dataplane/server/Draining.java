package dev.portcullis.dataplane.server;

/**
 * The user event fired on every client connection when the data plane starts to drain: an idle
 * HTTP/1 connection closes, a busy one closes after its response, an HTTP/2 one gets GOAWAY and
 * closes once its streams are done.
 */
public enum Draining {
    INSTANCE
}
