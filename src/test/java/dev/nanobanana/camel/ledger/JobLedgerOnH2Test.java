package dev.nanobanana.camel.ledger;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.io.TempDir;

/** The ledger as one instance keeps it by default: an H2 file, no server. */
class JobLedgerOnH2Test extends JobLedgerBehaviour {

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
