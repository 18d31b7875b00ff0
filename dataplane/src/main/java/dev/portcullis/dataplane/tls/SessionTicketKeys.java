package dev.portcullis.dataplane.tls;

import dev.portcullis.dataplane.config.SessionTicketKey;
import io.netty.handler.ssl.SslContext;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The session ticket keys the server contexts hold. Setting them takes each context's lock and two
 * native calls, and doing so for every context on every snapshot made a one-host change at 10,000
 * certificates take 300 to 800 ms to apply: contexts built since get the keys; all of them do when
 * the keys rotate; a {@link ServerContext} built later gets the keys current then. Its lock is the
 * one contexts are built under, so no context is built with keys that have just been replaced.
 */
public final class SessionTicketKeys {

    private List<SessionTicketKey> keys = List.of();
    private Set<ServerContext> holding = Set.of();
    private int held;

    /**
     * As {@link SessionTickets#apply}, for a snapshot's contexts by content key: how many keys the
     * contexts hold now. Contexts not built yet get them when they are.
     */
    public synchronized int apply(List<SessionTicketKey> next, Map<String, ServerContext> contextsByContentKey) {
        if (next.isEmpty()) { // nothing set: each context keeps what it has
            keys = next;
            holding = Set.of();
            return 0;
        }
        boolean rotated = !next.equals(keys);
        Map<String, SslContext> missing = new LinkedHashMap<>();
        contextsByContentKey.forEach((contentKey, context) -> {
            SslContext built = context.builtOrNull();
            if (built != null && (rotated || !holding.contains(context))) {
                missing.put(contentKey, built);
            }
        });
        int applied = SessionTickets.apply(next, missing);
        keys = next; // from here on, contexts being built get them too
        if (rotated || applied > 0) {
            held = applied;
        }
        Set<ServerContext> now = Collections.newSetFromMap(new IdentityHashMap<>(contextsByContentKey.size()));
        now.addAll(contextsByContentKey.values());
        holding = now;
        return held;
    }

    /**
     * The keys unchanged, more contexts in use beside those {@link #apply} was given (a configuration
     * compiled from a delta): those already built that do not hold the keys get them. Returns how
     * many keys the contexts hold.
     */
    public synchronized int alsoHeldBy(Map<String, ServerContext> contextsByContentKey) {
        if (keys.isEmpty()) {
            return 0;
        }
        Map<String, SslContext> missing = new LinkedHashMap<>();
        contextsByContentKey.forEach((contentKey, context) -> {
            SslContext built = context.builtOrNull();
            if (built != null && !holding.contains(context)) {
                missing.put(contentKey, built);
            }
        });
        if (SessionTickets.apply(keys, missing) > 0) {
            held = keys.size();
        }
        // Weakly: contexts the deltas no longer serve drop out with their last user (ServerContext is equal only to itself).
        Set<ServerContext> now = Collections.newSetFromMap(new java.util.WeakHashMap<>());
        now.addAll(holding);
        now.addAll(contextsByContentKey.values());
        holding = now;
        return held;
    }

    /** Gives a context being built the current keys (the caller holds this object's lock). */
    void giveTo(String contentKey, SslContext context) {
        if (!keys.isEmpty()) {
            SessionTickets.apply(keys, Map.of(contentKey, context));
        }
    }
}
