package dev.portcullis.dataplane.route;

import dev.portcullis.dataplane.config.HeaderEdits;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.util.List;
import java.util.Map;

/** A route's {@link HeaderEdits}, with names and values made once per snapshot, applied to each message. */
public final class HeaderRules {

    private final AsciiString[] removed;
    private final AsciiString[] setNames;
    private final AsciiString[] setValues;
    private final AsciiString[] addedNames;
    private final AsciiString[] addedValues;

    private HeaderRules(HeaderEdits edits) {
        removed = edits.remove().stream().map(AsciiString::of).toArray(AsciiString[]::new);
        setNames = names(edits.set());
        setValues = values(edits.set());
        addedNames = names(edits.add());
        addedValues = values(edits.add());
    }

    /** The rules for these edits, or {@code null} when there are none. */
    public static HeaderRules of(HeaderEdits edits) {
        return edits == null || edits.isEmpty() ? null : new HeaderRules(edits);
    }

    public void applyTo(HttpHeaders headers) {
        for (AsciiString name : removed) {
            headers.remove(name);
        }
        for (int i = 0; i < setNames.length; i++) {
            headers.set(setNames[i], setValues[i]);
        }
        for (int i = 0; i < addedNames.length; i++) {
            headers.add(addedNames[i], addedValues[i]);
        }
    }

    private static AsciiString[] names(Map<String, String> fields) {
        return fields.keySet().stream().map(AsciiString::of).toArray(AsciiString[]::new);
    }

    private static AsciiString[] values(Map<String, String> fields) {
        return List.copyOf(fields.values()).stream().map(AsciiString::of).toArray(AsciiString[]::new);
    }
}
