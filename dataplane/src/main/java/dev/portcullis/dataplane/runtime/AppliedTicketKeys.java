package dev.portcullis.dataplane.runtime;

import dev.portcullis.dataplane.config.SessionTicketKey;
import dev.portcullis.dataplane.tls.SessionTickets;
import io.netty.handler.ssl.SslContext;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which server contexts already hold the session ticket keys: setting them takes each context's
 * lock and two native calls, and doing so for every context on every snapshot made a one-host
 * change at 10,000 certificates take 300 to 800 ms to apply. New contexts get the keys; all of them
 * do when the keys rotate. One per compiler, used by one compile at a time.
 */
final class AppliedTicketKeys {

    private List<SessionTicketKey> keys = List.of();
    private Set<SslContext> holding = Set.of();
    private int held;

    /** As {@link SessionTickets#apply}: how many keys the contexts hold now. */
    int apply(List<SessionTicketKey> next, Map<String, SslContext> contextsByContentKey) {
        if (next.isEmpty()) { // nothing set: each context keeps what it has
            keys = next;
            holding = Set.of();
            return 0;
        }
        boolean rotated = !next.equals(keys);
        Map<String, SslContext> missing = rotated ? contextsByContentKey : new LinkedHashMap<>();
        if (!rotated) {
            contextsByContentKey.forEach((contentKey, context) -> {
                if (!holding.contains(context)) {
                    missing.put(contentKey, context);
                }
            });
        }
        int applied = SessionTickets.apply(next, missing);
        if (rotated || applied > 0) {
            held = applied;
        }
        keys = next;
        Set<SslContext> now = Collections.newSetFromMap(new IdentityHashMap<>(contextsByContentKey.size()));
        now.addAll(contextsByContentKey.values());
        holding = now;
        return held;
    }
}
