package dev.portcullis.dataplane.config;

import java.util.List;
import java.util.Objects;

final class Lists {
    private Lists() {
    }

    /**
     * JSON may omit a list or hold a null in it; records keep an immutable, null-free copy. A list
     * that already is one (a record's, passed on to a copy of the record) is kept, not copied: the
     * operator's translations make such copies for every host and cluster.
     */
    static <T> List<T> copyOrEmpty(List<T> list) {
        if (list == null) {
            return List.of();
        }
        for (T item : list) {
            if (item == null) {
                return list.stream().filter(Objects::nonNull).toList();
            }
        }
        return List.copyOf(list);
    }
}
