package dev.portcullis.operator.standalone;

import dev.portcullis.operator.manifest.ManifestReader;
import dev.portcullis.operator.manifest.StandaloneIngressClass;
import dev.portcullis.operator.tickets.SessionTicketSeed;
import dev.portcullis.operator.translate.ClusterState;
import dev.portcullis.operator.translate.IngressTranslator;
import dev.portcullis.operator.translate.ObjectRef;
import dev.portcullis.operator.translate.ParsedSecrets;
import dev.portcullis.operator.translate.Problem;
import dev.portcullis.operator.translate.Translation;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A folder of manifests, read and translated: the standalone form of the operator's work. */
public record ManifestTranslation(Translation translation, List<Problem> problems, boolean manifestsReadable,
                                  SessionTicketSeed sessionTicketSeed) {

    public ManifestTranslation(Translation translation, List<Problem> problems, boolean manifestsReadable) {
        this(translation, problems, manifestsReadable, null);
    }

    public static ManifestTranslation of(Path directory, long version, Instant now) throws IOException {
        return of(directory, version, now, new ParsedSecrets());
    }

    /** As above, with the memo of earlier translations (so a Secret that breaks keeps its last good certificate). */
    public static ManifestTranslation of(Path directory, long version, Instant now, ParsedSecrets parsedSecrets) throws IOException {
        return of(directory, version, now, parsedSecrets, dev.portcullis.operator.translate.OcspStaples.NONE);
    }

    /** As above, stapling the OCSP responses fetched for the folder's certificates. */
    public static ManifestTranslation of(Path directory, long version, Instant now, ParsedSecrets parsedSecrets,
                                         dev.portcullis.operator.translate.OcspStaples staples) throws IOException {
        ManifestReader.Manifests manifests = ManifestReader.readDirectory(directory);
        List<Problem> problems = new ArrayList<>(manifests.problems());
        ClusterState state = SessionTicketFile.withSeed(StandaloneIngressClass.ensure(manifests.state()), problems);
        Translation translation = IngressTranslator.translate(state, version, now, parsedSecrets, staples);
        problems.addAll(translation.problems());
        // A snapshot that fails its own validation would be a translator bug; it is reported, never served.
        translation.snapshot().validate().forEach(problem ->
                problems.add(Problem.error(ObjectRef.file(directory.toString()), "InvalidSnapshot", problem)));
        boolean readable = manifests.problems().stream().noneMatch(Problem::isError)
                && translation.snapshot().validate().isEmpty();
        return new ManifestTranslation(translation, problems.stream().distinct().sorted().toList(), readable,
                state.sessionTicketSeed());
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(Problem::isError);
    }
}
