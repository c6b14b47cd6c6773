package dev.nanobanana.camel.ledger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The ledger as several instances share it: a real PostgreSQL. */
class JobLedgerOnPostgresTest extends JobLedgerBehaviour {

    private static TestPostgres postgres;

    @BeforeAll
    static void startPostgres() {
        postgres = TestPostgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @Override
    String newDatabaseUrl() {
        return postgres.newDatabase();
    }

    @Override
    String user() {
        return TestPostgres.USER;
    }
}
