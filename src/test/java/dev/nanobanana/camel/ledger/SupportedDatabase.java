package dev.nanobanana.camel.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The databases the ledger supports, on which each of its stories runs: an H2 file, as one instance keeps it by
 * default, and a real PostgreSQL, as several instances share it. One folder and one server for all the tests of a
 * JVM, started when a test first asks, and a new database for each test.
 */
enum SupportedDatabase {

    H2("sa") {
        @Override
        String newDatabaseUrl() {
            return "jdbc:h2:file:" + H2Files.FOLDER.resolve("ledger-" + H2Files.DATABASES.incrementAndGet());
        }
    },
    POSTGRES(TestPostgres.USER) {
        @Override
        String newDatabaseUrl() {
            return PostgresServer.SERVER.newDatabase();
        }
    };

    private final String user;

    SupportedDatabase(String user) {
        this.user = user;
    }

    /** A database no other test uses. */
    abstract String newDatabaseUrl();

    String user() {
        return user;
    }

    private static final class H2Files {

        static final Path FOLDER = folder();
        static final AtomicInteger DATABASES = new AtomicInteger();

        private static Path folder() {
            try {
                Path folder = Files.createTempDirectory("nanobanana-ledger-h2-");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(folder), "ledger-h2-cleanup"));
                return folder;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void delete(Path folder) {
            try (Stream<Path> tree = Files.walk(folder)) {
                for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException e) {
                System.err.println("could not remove " + folder + ": " + e);
            }
        }
    }

    private static final class PostgresServer {

        static final TestPostgres SERVER = start();

        private static TestPostgres start() {
            TestPostgres server = TestPostgres.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (IOException e) {
                    System.err.println("could not stop the test PostgreSQL: " + e);
                }
            }, "ledger-postgres-stop"));
            return server;
        }
    }
}
