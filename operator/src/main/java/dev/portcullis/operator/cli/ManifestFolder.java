package dev.portcullis.operator.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code -f DIR}: an existing folder of Kubernetes manifests. */
final class ManifestFolder implements ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
        Path directory = Path.of(value);
        if (!Files.isDirectory(directory)) {
            throw new TypeConversionException(value + " is not a folder");
        }
        return directory;
    }
}
