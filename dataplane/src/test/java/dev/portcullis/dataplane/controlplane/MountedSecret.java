package dev.portcullis.dataplane.controlplane;

import dev.portcullis.dataplane.tls.CertificateAuthority;
import dev.portcullis.dataplane.tls.IssuedCertificate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A Secret volume laid out as the kubelet writes it: the files live in a timestamped folder,
 * {@code ..data} links to it, and each key links through {@code ..data}. An update writes a new
 * folder and renames a fresh {@code ..data} link over the old one, so readers see either set whole.
 */
final class MountedSecret {

    private final Path directory;
    private int generation;

    MountedSecret(Path directory) {
        this.directory = directory;
    }

    Path directory() {
        return directory;
    }

    void write(IssuedCertificate client, CertificateAuthority ca) throws IOException {
        write(client.chainPem(), client.privateKeyPem(), ca.certificatePem());
    }

    void write(String certificatePem, String keyPem, String caPem) throws IOException {
        Path version = Files.createDirectories(directory.resolve("..2026_01_01_00_00_00." + ++generation));
        Files.writeString(version.resolve("tls.crt"), certificatePem);
        Files.writeString(version.resolve("tls.key"), keyPem);
        Files.writeString(version.resolve("ca.crt"), caPem);
        Path link = Files.createSymbolicLink(directory.resolve("..data_tmp"), version.getFileName());
        Files.move(link, directory.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
        for (String key : List.of("tls.crt", "tls.key", "ca.crt")) {
            if (!Files.isSymbolicLink(directory.resolve(key))) {
                Files.createSymbolicLink(directory.resolve(key), Path.of("..data", key));
            }
        }
    }
}
