package dev.nanobanana.camel.ledger;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.io.TempDir;

/** The budget in the ledger one instance keeps by default: an H2 file. */
class LedgerBudgetOnH2Test extends LedgerBudgetBehaviour {

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
