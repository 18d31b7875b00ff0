package dev.portcullis.operator.standalone;

import dev.portcullis.operator.manifest.ManifestReader;
import dev.portcullis.operator.tickets.SessionTicketSecret;
import dev.portcullis.operator.tickets.SessionTicketSeed;
import dev.portcullis.operator.translate.ClusterState;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The folder's seed Secret: written once, even by serve processes starting together, readable only by its owner. */
class SessionTicketFileTest {

    @TempDir
    Path directory;

    @RepeatedTest(25)
    void servesStartingTogetherWriteOneSecretBetweenThem() throws Exception {
        int starters = 4;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(starters);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < starters; i++) {
                done.add(pool.submit(() -> {
                    go.await();
                    SessionTicketFile.ensure(directory);
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
        try (var files = Files.list(directory)) {
            assertThat(files).as("one file, no temporary left").containsExactly(directory.resolve(SessionTicketFile.FILE_NAME));
        }
        assertThat(seed()).isNotNull();
    }

    @Test
    void anExistingSecretIsKeptAndTheFileIsTheOwnersOnly() throws Exception {
        SessionTicketFile.ensure(directory);
        SessionTicketSeed first = seed();
        SessionTicketFile.ensure(directory);
        assertThat(seed()).isEqualTo(first);
        assertThat(first.period()).isEqualTo(SessionTicketSeed.DEFAULT_PERIOD);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve(SessionTicketFile.FILE_NAME))))
                .isEqualTo("rw-------");
    }

    private SessionTicketSeed seed() throws Exception {
        return SessionTicketSecret.parse(ManifestReader.readDirectory(directory).state()
                .secret(ClusterState.DEFAULT_NAMESPACE, SessionTicketSecret.NAME).orElseThrow());
    }
}
