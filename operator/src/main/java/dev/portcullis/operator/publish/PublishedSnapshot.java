package dev.portcullis.operator.publish;

import dev.portcullis.operator.translate.Translation;

/** A snapshot as the data planes get it (gzipped JSON), with the translation it came from. */
public record PublishedSnapshot(long version, byte[] gzippedJson, Translation translation) {
}
