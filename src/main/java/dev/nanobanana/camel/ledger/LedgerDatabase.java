package dev.nanobanana.camel.ledger;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.util.URISupport;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/** The ledger's connection pool, on a schema that Flyway has brought up to date. */
final class LedgerDatabase {

    private static final int STATEMENTS_KEPT = 128;
    /** How long H2 keeps a chunk it wrote before it may reuse its space: three times {@link LedgerFileUpkeep#EVERY}. */
    static final Duration CHUNKS_KEPT = LedgerFileUpkeep.EVERY.multipliedBy(3);
    /**
     * How long H2 may compact the file as the ledger closes: its 200 ms left a ledger that had just worked off 2,000
     * jobs at 40-48 kB a job in two of three runs, where the runs that had the time left 1.7 kB.
     */
    static final Duration COMPACTED_AT_CLOSE = Duration.ofSeconds(2);

    private LedgerDatabase() {
    }

    static HikariDataSource open(String jdbcUrl, String user, String password) {
        requirePostgresqlSupport(jdbcUrl);
        HikariConfig config = new HikariConfig();
        config.setPoolName("ledger");
        config.setJdbcUrl(statementsKept(durable(jdbcUrl)));
        config.setUsername(user);
        config.setPassword(password);
        // each statement is short; on a shared PostgreSQL, every instance's idle connections count against its limit
        config.setMaximumPoolSize(5);
        config.setMinimumIdle(1);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new LedgerException("job ledger: cannot connect to " + URISupport.sanitizeUri(jdbcUrl) + ": "
                                      + rootMessage(e), e);
        }
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/ledger")
                    // its own history table: the ledger may share a schema with an application's own migrations
                    .table("ledger_schema_history")
                    .load()
                    .migrate();
            return pool;
        } catch (FlywayException e) {
            pool.close();
            throw new LedgerException("job ledger: cannot bring the schema of " + URISupport.sanitizeUri(jdbcUrl)
                    + " up to date: "
                    + e.getMessage(), e);
        }
    }

    /**
     * The library leaves the PostgreSQL driver and Flyway's PostgreSQL support to the applications that keep their
     * ledger there (the standalone runtime has both): without them, the pool and Flyway would only say that they know
     * no such database.
     */
    private static void requirePostgresqlSupport(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            return;
        }
        for (String needed : List.of("org.postgresql.Driver", "org.flywaydb.database.postgresql.PostgreSQLDatabaseType")) {
            try {
                Class.forName(needed, false, LedgerDatabase.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new LedgerException("job ledger: " + URISupport.sanitizeUri(jdbcUrl) + " is a PostgreSQL "
                        + "database, and " + needed + " is not on the classpath: add the dependencies "
                        + "org.postgresql:postgresql and org.flywaydb:flyway-database-postgresql to the application",
                        e);
            }
        }
    }

    /**
     * H2 writes a commit to its file up to a second later by default: a kill -9 in that second would lose the record
     * that a job was being submitted, and the job would be submitted again. Each commit is written at once. (Power
     * loss is PostgreSQL's to survive: H2 does not sync to disk at each commit.) And the ledger, not the JVM's
     * shutdown, closes the database.
     *
     * <p>Each commit is a new chunk in the file, and H2 reuses the space of chunks it no longer needs only once they are
     * {@code RETENTION_TIME} old (45 s by default, in case the disk does not have them yet): at 150 jobs a second that
     * kept some 50 kB a job of dead chunks in the file. {@link LedgerFileUpkeep} forces the file to disk every second,
     * so a few seconds are enough.
     */
    private static String durable(String jdbcUrl) {
        if (!h2File(jdbcUrl)) {
            return jdbcUrl;
        }
        String url = withSetting(jdbcUrl, "WRITE_DELAY", "0");
        url = withSetting(url, "RETENTION_TIME", String.valueOf(CHUNKS_KEPT.toMillis()));
        url = withSetting(url, "MAX_COMPACT_TIME", String.valueOf(COMPACTED_AT_CLOSE.toMillis()));
        // H2 closes its database when the JVM is told to stop; jobs still finishing then must still write to it (H2's
        // mixed mode, AUTO_SERVER=TRUE, refuses the setting: there H2 keeps its own)
        return shared(url) ? url : withSetting(url, "DB_CLOSE_ON_EXIT", "FALSE");
    }

    /** The URL with H2's {@code setting}, unless the URL sets it itself. */
    private static String withSetting(String jdbcUrl, String setting, String value) {
        return jdbcUrl.toUpperCase(Locale.ROOT).contains(setting) ? jdbcUrl : jdbcUrl + ";" + setting + "=" + value;
    }

    /** An embedded H2 database in a file, rather than in memory or behind a server. */
    static boolean h2File(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:h2:file:") || jdbcUrl.startsWith("jdbc:h2:./") || jdbcUrl.startsWith("jdbc:h2:/");
    }

    /**
     * An embedded H2 database (a file, which H2 locks while it is open, or memory) serves this process only, unless
     * H2's mixed mode lets others in.
     */
    static boolean onlyThisProcess(String jdbcUrl) {
        String url = jdbcUrl.toUpperCase(Locale.ROOT);
        return url.startsWith("JDBC:H2:") && !url.startsWith("JDBC:H2:TCP:") && !url.startsWith("JDBC:H2:SSL:")
               && !shared(jdbcUrl);
    }

    /** H2's mixed mode: the first process serves the file to the others. */
    private static boolean shared(String jdbcUrl) {
        return jdbcUrl.toUpperCase(Locale.ROOT).replace(" ", "").contains("AUTO_SERVER=TRUE");
    }

    /**
     * H2 keeps the 8 statements a connection used last, parsed; the ledger uses about 50, so each connection parsed
     * nearly every statement anew (a tenth of the Java samples in a JFR profile of a batch were in H2's parser).
     */
    private static String statementsKept(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:h2:") ? withSetting(jdbcUrl, "QUERY_CACHE_SIZE", String.valueOf(STATEMENTS_KEPT))
                                              : jdbcUrl;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
