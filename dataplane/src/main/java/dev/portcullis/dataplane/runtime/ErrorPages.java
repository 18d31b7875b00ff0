package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.config.ErrorBackend;

import java.util.BitSet;

/** A route's {@link ErrorBackend} with its cluster resolved: who stands in, and which statuses it makes pages for. */
public record ErrorPages(UpstreamCluster cluster, ErrorBackend source, BitSet codes) {

    static ErrorPages of(ErrorBackend backend, UpstreamCluster cluster) {
        BitSet codes = new BitSet(600);
        backend.codes().forEach(codes::set);
        return new ErrorPages(cluster, backend, codes);
    }

    /** Whether a response of this status gets its page from the error backend. */
    public boolean covers(int status) {
        return status >= 0 && codes.get(status);
    }
}
