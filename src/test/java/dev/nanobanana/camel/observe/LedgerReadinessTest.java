package dev.nanobanana.camel.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.Test;

import dev.nanobanana.camel.settings.KnownSecrets;
import dev.nanobanana.camel.ledger.JobLedger;
import dev.nanobanana.camel.ledger.TestPostgres;

/** The ledger's readiness against a real PostgreSQL server that goes away. */
class LedgerReadinessTest {

    static final String PASSWORD = "pg-secret-0042";

    @Test
    void aLedgerWhoseDatabaseStoppedIsNotReadyAndTheMessageHoldsNoPassword() throws Exception {
        TestPostgres postgres = TestPostgres.start();
        String url = postgres.newDatabase() + "&password=" + PASSWORD;
        try (JobLedger ledger = JobLedger.open(url, TestPostgres.USER, PASSWORD)) {
            // no secrets to mask: the URL's password must go by itself
            LedgerReadiness check = new LedgerReadiness(ledger, url, new KnownSecrets(List.of()));
            assertThat(check.call(Map.of()).getState()).as("not looked at yet").isEqualTo(HealthCheck.State.DOWN);

            check.probe();
            HealthCheck.Result up = check.call(Map.of());
            assertThat(up.getState()).isEqualTo(HealthCheck.State.UP);
            assertThat(up.getMessage()).get().asString().startsWith("the job ledger (jdbc:postgresql://")
                    .endsWith(") can be written").doesNotContain(PASSWORD);

            postgres.close();
            check.probe();
            HealthCheck.Result down = check.call(Map.of());
            assertThat(down.getState()).isEqualTo(HealthCheck.State.DOWN);
            assertThat(down.getMessage()).get().asString().contains("cannot be written")
                    .endsWith("check that its database is up and writable (nanobanana.ledger.url)")
                    .doesNotContain(PASSWORD).doesNotContain("\n");
            assertThat(check.isLiveness()).isFalse();
        }
    }
}
