package dev.nanobanana.camel.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

import javax.sql.DataSource;

/**
 * The one writer of a ledger: it takes the writes of all jobs and commits those that wait together, so that hundreds
 * of small writes a second become far fewer commits (each of which H2 writes to its file at once). Each write still
 * waits for the commit of its batch, so a step that must not run before its write (a submit) runs after it, as before.
 * A write that fails is undone alone (to its savepoint) and fails alone; a batch whose commit fails (say, a deadlock
 * with another instance on PostgreSQL) is run again one write at a time, each in a transaction of its own.
 */
final class GroupCommit implements AutoCloseable {

    /** Writes in one commit at most; PostgreSQL keeps a subtransaction for each savepoint until the commit. */
    private static final int MOST_AT_ONCE = 64;
    /** How long a write waits for its batch; a database that does not answer fails the step instead. */
    private static final long WAIT_SECONDS = 120;

    private final DataSource pool;
    private final LongAdder commits;
    private final BlockingQueue<Write<?>> waiting = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;

    GroupCommit(DataSource pool, LongAdder commits) {
        this.pool = pool;
        this.commits = commits;
        this.writer = new Thread(this::writeBatches, "nanobanana-ledger-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Runs {@code work} in a transaction shared with the writes waiting beside it; returns once it is committed. */
    <T> T write(String doing, Work<T> work) {
        if (closed) {
            throw new LedgerException("job ledger: " + doing + ": the ledger is closed", (Throwable) null);
        }
        Write<T> write = new Write<>(doing, work);
        waiting.add(write);
        return write.await();
    }

    @Override
    public void close() {
        closed = true;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeBatches() {
        List<Write<?>> batch = new ArrayList<>();
        while (!closed || !waiting.isEmpty()) {
            try {
                Write<?> first = waiting.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                waiting.drainTo(batch, MOST_AT_ONCE - 1);
                if (batch.size() == 1 || !commitTogether(batch)) {
                    batch.forEach(this::commitAlone);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // each write has its answer already; the writer goes on for the next ones
                batch.forEach(write -> write.fail(e));
            }
            batch.clear();
        }
    }

    /** Commits the batch as one transaction and answers each write; false when it must be run one write at a time. */
    private boolean commitTogether(List<Write<?>> batch) {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try {
                for (Write<?> write : batch) {
                    write.runTo(connection);
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                return false;
            }
        } catch (SQLException e) {
            return false;
        }
        commits.increment();
        batch.forEach(Write::answer);
        return true;
    }

    private void commitAlone(Write<?> write) {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try {
                write.run(connection);
                connection.commit();
                commits.increment();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                write.failed(e);
            }
        } catch (SQLException | RuntimeException e) {
            write.failed(e);
        }
        write.answer();
    }

    @FunctionalInterface
    interface Work<T> {
        T in(Connection connection) throws SQLException;
    }

    /** One write, its result or failure held until its transaction commits. */
    private static final class Write<T> {

        private final String doing;
        private final Work<T> work;
        private final CompletableFuture<T> answer = new CompletableFuture<>();
        private T result;
        private Exception failure;

        Write(String doing, Work<T> work) {
            this.doing = doing;
            this.work = work;
        }

        void run(Connection connection) throws SQLException {
            result = work.in(connection);
            failure = null;
        }

        /** Runs the work within the batch's transaction; a failure of the work undoes its own statements only. */
        void runTo(Connection connection) throws SQLException {
            Savepoint before = connection.setSavepoint();
            try {
                run(connection);
            } catch (SQLException | RuntimeException e) {
                connection.rollback(before);
                failed(e);
            }
        }

        void failed(Exception e) {
            result = null;
            failure = e;
        }

        void answer() {
            if (failure == null) {
                answer.complete(result);
            } else {
                answer.completeExceptionally(failure);
            }
        }

        void fail(RuntimeException e) {
            answer.completeExceptionally(e);
        }

        T await() {
            try {
                return answer.get(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new LedgerException(doing, (SQLException) e.getCause());
            } catch (TimeoutException e) {
                throw new LedgerException("job ledger: " + doing + ": no answer within " + WAIT_SECONDS + " s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LedgerException("job ledger: " + doing + ": interrupted while waiting for it", e);
            }
        }
    }
}
