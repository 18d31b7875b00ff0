package dev.portcullis.dataplane.config;

import java.util.List;
import java.util.Objects;

final class Lists {
    private Lists() {
    }

    /** JSON may omit a list or hold a null in it; records keep an immutable, null-free copy. */
    static <T> List<T> copyOrEmpty(List<T> list) {
        return list == null ? List.of() : list.stream().filter(Objects::nonNull).toList();
    }
}
