package dev.nanobanana.camel.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A fresh ledger on a database no other test uses, for stories told once and run on each database the ledger supports
 * ({@link SupportedDatabase}); two instances, {@link #A} and {@link #B}, and a clock the story moves.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(SupportedDatabase.class)
abstract class LedgerOnDatabase {

    static final Duration LEASE = Duration.ofMinutes(1);
    static final String A = "instance-a";
    static final String B = "instance-b";

    final TestClock clock = new TestClock(Instant.parse("2026-03-14T09:00:00Z"));
    private final List<JobLedger> opened = new ArrayList<>();
    private String url;
    JobLedger ledger;

    @Parameter
    SupportedDatabase database;

    /** A database no other test uses. */
    String newDatabaseUrl() {
        return database.newDatabaseUrl();
    }

    String user() {
        return database.user();
    }

    @BeforeEach
    void openTheLedger() {
        url = newDatabaseUrl();
        ledger = open();
    }

    @AfterEach
    void closeTheLedgers() {
        opened.forEach(JobLedger::close);
    }

    /** Another connection pool on the same database, as another instance or a restart has. */
    JobLedger open() {
        return open(url);
    }

    /** A ledger on the given database, closed after the test. */
    JobLedger open(String databaseUrl) {
        JobLedger opening = JobLedger.open(databaseUrl, user(), "", clock);
        opened.add(opening);
        return opening;
    }
}
