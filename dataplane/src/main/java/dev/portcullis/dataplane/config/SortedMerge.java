package dev.portcullis.dataplane.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A delta applied to a list already in canonical order (names strictly increasing, as every
 * snapshot that went through a delta is): one walk that merges the few sorted changes in, instead
 * of hashing and sorting every entry again. The result is what hashing and sorting would give.
 */
final class SortedMerge {

    private SortedMerge() {
    }

    /** Whether {@code base} is in canonical order and every entry upserted has a name. */
    static <T> boolean applies(List<T> base, List<T> upserted, Function<T, String> key) {
        for (T item : upserted) {
            if (key.apply(item) == null) {
                return false;
            }
        }
        return inOrder(base, key);
    }

    /** Whether every name is present and greater than the one before. */
    static <T> boolean inOrder(List<T> items, Function<T, String> key) {
        String before = null;
        for (T item : items) {
            String name = key.apply(item);
            if (name == null || (before != null && before.compareTo(name) >= 0)) {
                return false;
            }
            before = name;
        }
        return true;
    }

    /** {@code base} without the removed names, with the upserted entries in (the last one per name wins), in order. */
    static <T> List<T> merged(List<T> base, List<T> upserted, List<String> removed, Function<T, String> key) {
        Map<String, T> byName = new LinkedHashMap<>();
        upserted.forEach(item -> byName.put(key.apply(item), item));
        List<String> names = new ArrayList<>(byName.keySet());
        names.sort(null);
        Set<String> gone = new HashSet<>(removed);
        List<T> merged = new ArrayList<>(base.size() + names.size());
        int next = 0;
        for (T item : base) {
            String name = key.apply(item);
            while (next < names.size() && names.get(next).compareTo(name) < 0) {
                merged.add(byName.get(names.get(next++)));
            }
            if (next < names.size() && names.get(next).equals(name)) {
                merged.add(byName.get(names.get(next++)));
            } else if (!gone.contains(name)) {
                merged.add(item);
            }
        }
        while (next < names.size()) {
            merged.add(byName.get(names.get(next++)));
        }
        return merged;
    }
}
