package dev.nanobanana.camel.ledger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The budget that several instances share on a real PostgreSQL. */
class LedgerBudgetOnPostgresTest extends LedgerBudgetBehaviour {

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
