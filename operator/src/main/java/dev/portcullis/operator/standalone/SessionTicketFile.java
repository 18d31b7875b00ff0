package dev.portcullis.operator.standalone;

import dev.portcullis.operator.manifest.ManifestReader;
import dev.portcullis.operator.tickets.SessionTicketSecret;
import dev.portcullis.operator.tickets.SessionTicketSeed;
import dev.portcullis.operator.translate.ClusterState;
import dev.portcullis.operator.translate.ObjectRef;
import dev.portcullis.operator.translate.Problem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;

/**
 * Standalone session tickets: the seed is a Secret ({@code default/portcullis-session-tickets}) in
 * the served folder, written by the first {@code serve} that finds none and read by every
 * {@code serve} on that folder, so they all derive the same ticket keys. To the translator it is an
 * ordinary Secret that nothing references.
 */
public final class SessionTicketFile {

    public static final String FILE_NAME = SessionTicketSecret.NAME + ".yaml";

    private static final Logger LOG = LoggerFactory.getLogger(SessionTicketFile.class);

    private SessionTicketFile() {
    }

    /**
     * Writes the Secret file unless the folder already has the Secret. Two {@code serve} processes
     * starting together write one file between them: it appears under its name in one step (a hard
     * link), and the one that finds it there keeps the other's.
     */
    public static void ensure(Path directory) throws IOException {
        if (ManifestReader.readDirectory(directory).state().secret(ClusterState.DEFAULT_NAMESPACE, SessionTicketSecret.NAME)
                .isPresent()) {
            return;
        }
        try {
            create(directory.resolve(FILE_NAME));
        } catch (IOException e) {
            // A read-only folder (a mounted ConfigMap) is still served, each process with its own tickets.
            LOG.warn("cannot write {} ({}): session tickets are not shared with other serve processes on {}",
                    directory.resolve(FILE_NAME), e.getClass().getSimpleName(), directory);
        }
    }

    private static void create(Path target) throws IOException {
        Path directory = target.getParent();
        Path temporary = Files.createTempFile(directory, "." + SessionTicketSecret.NAME, ".tmp");
        try {
            restrictToOwner(temporary);
            Files.writeString(temporary, manifest(SessionTicketSeed.generate(SessionTicketSeed.DEFAULT_PERIOD)),
                    StandardCharsets.UTF_8);
            try {
                Files.createLink(target, temporary);
            } catch (FileAlreadyExistsException e) {
                return; // another serve wrote it first: theirs is the one
            } catch (IOException | UnsupportedOperationException e) {
                // No hard links on this file system: a rename, refused when the file is there by now. Should two
                // renames cross, both processes re-read the folder on the change and agree on the file that stays.
                try {
                    Files.move(temporary, target);
                } catch (FileAlreadyExistsException exists) {
                    return;
                }
            }
            LOG.info("created the session ticket seed in {}", target);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** The state with the folder's seed; a Secret that does not parse is a Warning and no keys are shared. */
    static ClusterState withSeed(ClusterState state, List<Problem> problems) {
        return state.secret(ClusterState.DEFAULT_NAMESPACE, SessionTicketSecret.NAME).map(secret -> {
            try {
                return state.withSessionTicketSeed(SessionTicketSecret.parse(secret));
            } catch (IllegalArgumentException e) {
                problems.add(Problem.warning(ObjectRef.of(secret), "InvalidSessionTicketSecret", e.getMessage()
                        + "; session tickets are not shared between serve processes until it is fixed"));
                return state;
            }
        }).orElse(state);
    }

    static String manifest(SessionTicketSeed seed) {
        return """
                # The session ticket seed of every `portcullis serve` on this folder: each derives the same
                # TLS session ticket keys from it (a new one every rotation-minutes), so clients resume their
                # sessions on any of them and after a restart. Keep it secret. Delete this file and restart
                # to replace it (clients then make one full handshake).
                apiVersion: v1
                kind: Secret
                metadata:
                  name: %s
                  namespace: default
                type: Opaque
                data:
                  seed: %s
                stringData:
                  rotation-minutes: "%d"
                """.formatted(SessionTicketSecret.NAME, Base64.getEncoder().encodeToString(seed.seed()),
                seed.period().toMinutes());
    }

    private static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the folder's own permissions protect it.
        }
    }
}
