package dev.nanobanana.camel.source;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.apache.camel.processor.idempotent.jdbc.JdbcOrphanLockAwareIdempotentRepository;
import org.springframework.dao.DuplicateKeyException;

/**
 * The read locks that let file consumers on several instances share one folder, each file taken by one of them: a row
 * per file in the ledger's database, kept alive while its consumer works on it and taken over when it is older than
 * {@code maxAge}, as after a crash.
 */
public final class FileClaims {

    private static final String TABLE = "CAMEL_MESSAGEPROCESSED";

    private FileClaims() {
    }

    /**
     * A repository for a file consumer's {@code readLock=idempotent-changed} (or {@code idempotent}), on a database
     * that {@link JobLedger#open} migrated.
     *
     * @param processorName the same on every instance that reads the folder; another one for another folder
     * @param keepAlive how often a live consumer refreshes its locks
     * @param maxAge how old a lock may grow before it counts as abandoned; longer than {@code keepAlive}
     */
    public static JdbcOrphanLockAwareIdempotentRepository repository(DataSource dataSource, CamelContext context,
            String processorName, Duration keepAlive, Duration maxAge) {
        JdbcOrphanLockAwareIdempotentRepository repository =
                new OneTakerRepository(dataSource, processorName, context, maxAge);
        repository.setLockKeepAliveIntervalMillis(keepAlive.toMillis());
        repository.setLockMaxAgeMillis(maxAge.toMillis());
        // the ledger's migration made the table, with the key that concurrent consumers need
        repository.setCreateTableIfNotExists(false);
        return repository;
    }

    /**
     * Claims for a ledger that no other process can open (an embedded H2 file): held in memory, as no other instance
     * can want them, and gone with the process, so a restart after a crash takes its files at once. Saves the two
     * commits a file that claims in the database cost.
     */
    public static IdempotentRepository inThisProcess() {
        return MemoryIdempotentRepository.memoryIdempotentRepository(new ConcurrentHashMap<>());
    }

    /**
     * Camel's repository with its takeover made safe (camel-sql 4.18.0). There, taking over an abandoned lock is an
     * unconditional update, and {@code add} answers true whatever it updated, so two instances that find the same
     * abandoned lock both take it; and a lock taken over is left out of the keep-alive, so another instance takes it
     * again after {@code maxAge}. Here an abandoned lock is deleted only while it is still abandoned, then inserted
     * anew, which only one instance can do and which Camel keeps alive; each instance refreshes and releases only the
     * locks it holds; and {@code add} answers false when another instance holds the lock.
     */
    private static final class OneTakerRepository extends JdbcOrphanLockAwareIdempotentRepository {

        private final Duration maxAge;
        private final String deleteAbandoned;

        OneTakerRepository(DataSource dataSource, String processorName, CamelContext context, Duration maxAge) {
            super(dataSource, processorName, context);
            this.maxAge = maxAge;
            // a literal, as Camel's statements take only their own parameters; a random id cannot inject anything
            String holder = "'" + UUID.randomUUID() + "'";
            setInsertString("INSERT INTO " + TABLE + " (processorName, messageId, createdAt, lockedBy) "
                    + "VALUES (?, ?, ?, " + holder + ")");
            setUpdateTimestampQuery("UPDATE " + TABLE + " SET createdAt = ? "
                    + "WHERE processorName = ? AND messageId = ? AND lockedBy = " + holder);
            setDeleteString("DELETE FROM " + TABLE + " WHERE processorName = ? AND messageId = ? AND lockedBy = "
                    + holder);
            setClearString("DELETE FROM " + TABLE + " WHERE processorName = ? AND lockedBy = " + holder);
            deleteAbandoned = "DELETE FROM " + TABLE + " WHERE processorName = ? AND messageId = ? AND createdAt < ?";
        }

        @Override
        public boolean add(String key) {
            try {
                return super.add(key);
            } catch (DuplicateKeyException e) {
                return false;
            }
        }

        @Override
        protected int insert(String key) {
            Timestamp abandonedBefore = new Timestamp(System.currentTimeMillis() - maxAge.toMillis());
            // whoever deletes the abandoned row holds it until commit; any other instance then finds a fresh row,
            // which its insert collides with and its update (of its own locks only) leaves alone
            jdbcTemplate.update(deleteAbandoned, processorName, key, abandonedBefore);
            int inserted = super.insert(key);
            if (inserted == 0) {
                // Camel's add() takes any answer for success: only an exception rolls back and says no
                throw new DuplicateKeyException("the lock on " + key + " is held by another instance");
            }
            return inserted;
        }
    }
}
