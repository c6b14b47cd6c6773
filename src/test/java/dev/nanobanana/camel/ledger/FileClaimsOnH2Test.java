package dev.nanobanana.camel.ledger;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.io.TempDir;

/** Several consumers in one process on an H2 file. */
class FileClaimsOnH2Test extends FileClaimsBehaviour {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    static Path folder;

    @Override
    String newDatabaseUrl() {
        return "jdbc:h2:file:" + folder.resolve("ledger-" + DATABASES.incrementAndGet());
    }

    @Override
    String user() {
        return "sa";
    }
}
