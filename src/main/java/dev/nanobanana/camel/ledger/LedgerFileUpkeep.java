package dev.nanobanana.camel.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.h2.engine.Session;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded H2 file small and on disk, every second. H2 writes each commit to the operating system at once as
 * a new chunk at the file's end or in the space of chunks it no longer needs (a kill -9 loses nothing), but:
 * <ul>
 * <li>it never forces the file to disk, and it reuses a chunk's space once the chunk is {@code RETENTION_TIME} old,
 * trusting the disk to hold it by then: forcing the file every second makes that so for the ledger's few seconds
 * ({@link LedgerDatabase#CHUNKS_KEPT}), and bounds what a power cut loses to about the last second;</li>
 * <li>a chunk keeps its space while any page in it is still live, such as the last version of a finished job's row,
 * and H2 moves such pages on only from a background thread that writing each commit at once does not start: the
 * file grew by some 30 kB a job without end. Each second H2 moves the live pages of its sparsest chunks (up to
 * {@link #MOVED_A_SECOND} bytes) into the next chunk, so theirs can be reused.</li>
 * </ul>
 */
final class LedgerFileUpkeep implements AutoCloseable {

    static final Duration EVERY = Duration.ofSeconds(1);
    /** Chunks are compacted while, together, less than this share (in %) of their space is live. */
    private static final int LIVE_SHARE = 80;
    private static final int MOVED_A_SECOND = 2 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(LedgerFileUpkeep.class);

    private final DataSource database;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread upkeep = new Thread(task, "nanobanana-ledger-file");
        upkeep.setDaemon(true);
        return upkeep;
    });
    private volatile boolean warned;

    LedgerFileUpkeep(DataSource database) {
        this.database = database;
    }

    static LedgerFileUpkeep start(DataSource database) {
        LedgerFileUpkeep upkeep = new LedgerFileUpkeep(database);
        upkeep.thread.scheduleWithFixedDelay(upkeep::keep, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return upkeep;
    }

    void keep() {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            compact(connection);
            // commits the moved pages, and forces the file to disk
            statement.execute("CHECKPOINT SYNC");
            warned = false;
        } catch (SQLException | RuntimeException e) {
            if (!warned) {
                warned = true;
                LOG.warn("The job ledger could not compact its file or force it to disk ({}): a power cut may lose "
                         + "more than the last second of its writes; it tries again every second", e.getMessage());
            }
        }
    }

    /** In H2's mixed mode the file may be another process's to keep: then only this process's writes are forced. */
    private static void compact(Connection connection) throws SQLException {
        Session session = connection.unwrap(JdbcConnection.class).getSession();
        if (session instanceof SessionLocal local) {
            local.getDatabase().getStore().getMvStore().compact(LIVE_SHARE, MOVED_A_SECOND);
        }
    }

    /** Stops, once an upkeep under way has ended: before the database closes. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
