package dev.portcullis.operator.translate;

import dev.portcullis.dataplane.config.Endpoint;
import dev.portcullis.dataplane.config.IpLiteral;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each EndpointSlice holds for a port, by the slice object: at 10,000 Ingresses, checking
 * every endpoint address of every slice again was a quarter of a translation, and a change
 * touches one slice. The informers' caches hand out the same object until the slice changes, so a
 * slice read in the last translation is read again only when it is another object. What a
 * translation did not ask for is forgotten. A pure function of the slice and the port, so a kept
 * reading is what reading again would give.
 */
final class SliceEndpointsMemo {

    static final Comparator<Endpoint> ENDPOINT_ORDER = Comparator.comparing(Endpoint::address)
            .thenComparingInt(Endpoint::port);

    /**
     * A slice's endpoints on one port, in {@link #ENDPOINT_ORDER}, an address listed twice once
     * (ready if either says so); and, in the slice's order, the addresses left out as not IP addresses.
     */
    record Reading(int port, List<Endpoint> endpoints, List<String> notIpAddresses) {
    }

    /**
     * One reading per slice, of the port last asked for: nearly every slice is read on one port.
     * A slice asked for on two ports is read again as they alternate, still right.
     */
    private Map<EndpointSlice, Reading> known = new IdentityHashMap<>();
    private Map<EndpointSlice, Reading> usedNow = new IdentityHashMap<>();

    Reading read(EndpointSlice slice, int port) {
        Reading reading = usedNow.get(slice);
        if (reading != null && reading.port() == port) {
            return reading;
        }
        reading = known.get(slice);
        if (reading == null || reading.port() != port) {
            reading = readSlice(slice, port);
        }
        usedNow.put(slice, reading);
        return reading;
    }

    /** A translation is done: forget the slices it did not read. */
    /** As {@link #translationDone()} after a translation of some Ingresses: nothing is forgotten. */
    void partialTranslationDone() {
        known.putAll(usedNow);
        usedNow = new IdentityHashMap<>();
    }

    void translationDone() {
        known = usedNow;
        usedNow = new IdentityHashMap<>(known.size());
    }

    private static Reading readSlice(EndpointSlice slice, int port) {
        if (slice.getEndpoints() == null) {
            return new Reading(port, List.of(), List.of());
        }
        TreeMap<Endpoint, Endpoint> endpoints = new TreeMap<>(ENDPOINT_ORDER);
        List<String> notIp = new ArrayList<>(0);
        for (var endpoint : slice.getEndpoints()) {
            if (endpoint.getAddresses() == null || endpoint.getAddresses().isEmpty()) {
                continue;
            }
            // As kube-proxy does: a missing "ready" condition means ready.
            boolean ready = endpoint.getConditions() == null || endpoint.getConditions().getReady() == null
                    || endpoint.getConditions().getReady();
            String literal = endpoint.getAddresses().getFirst();
            if (!IpLiteral.is(literal)) {
                notIp.add(literal);
                continue;
            }
            Endpoint address = new Endpoint(literal, port, ready);
            endpoints.merge(address, address, (old, added) -> old.ready() ? old : added);
        }
        return new Reading(port, List.copyOf(endpoints.values()), List.copyOf(notIp));
    }
}
