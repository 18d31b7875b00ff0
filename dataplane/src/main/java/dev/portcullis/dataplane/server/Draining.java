package dev.portcullis.dataplane.server;

/**
 * The user events fired on every client connection while the data plane drains. {@link #NOTICE}
 * when it starts: HTTP/2 gets a GOAWAY that still takes every stream (RFC 9113 6.8: clients stop
 * opening streams, none in flight is lost), HTTP/1 answers from now on carry {@code Connection:
 * close}. {@link #CLOSE} once the listeners are closed: an idle HTTP/1 connection closes, an HTTP/2
 * one closes once its streams are done.
 */
public enum Draining {
    NOTICE,
    CLOSE
}
