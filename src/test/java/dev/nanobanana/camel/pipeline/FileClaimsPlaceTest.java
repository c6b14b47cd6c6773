package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import javax.sql.DataSource;

import ch.qos.logback.classic.Level;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.Test;

import dev.nanobanana.camel.ledger.TestPostgres;
import dev.nanobanana.camel.testing.LogCapture;
import dev.nanobanana.camel.testing.PipelineTestSupport;

/**
 * Where the inbox's file claims live: in memory when the ledger is an embedded H2 file, which no other process can
 * open (two commits a file saved), and in the ledger's database when other instances may share it.
 */
class FileClaimsPlaceTest extends PipelineTestSupport {

    @Test
    void anEmbeddedH2LedgerKeepsTheClaimsOfThisProcessInMemory() throws Exception {
        IdempotentRepository claims = claims(context);

        assertThat(claims.add("inbox/a.json")).isTrue();
        assertThat(claims.add("inbox/a.json")).as("a file claimed is claimed once").isFalse();
        assertThat(rowsIn(PipelineBeans.in(context).clerk().ledger().dataSource())).isZero();
        assertThat(claims.remove("inbox/a.json")).isTrue();
        assertThat(claims.add("inbox/a.json")).as("a file let go of is taken again").isTrue();

        drop("shoe.json", "{\"prompt\": \"a shoe\", \"images\": [\"https://images.test/a.png\"]}");
        awaitFile(completed.resolve("shoe.png"));
    }

    @Test
    void aPostgresqlLedgerKeepsThemInItsDatabaseForEveryInstance() throws Exception {
        context.stop();
        try (TestPostgres postgres = TestPostgres.start()) {
            String ledger = postgres.newDatabase();
            CamelContext[] both = new CamelContext[2];
            for (int i = 0; i < 2; i++) {
                Properties settings = settings();
                settings.setProperty("nanobanana.ledger.url", ledger);
                settings.setProperty("nanobanana.ledger.user", TestPostgres.USER);
                settings.setProperty("nanobanana.instance-id", "instance-" + i);
                both[i] = startInstance(settings);
            }

            assertThat(claims(both[0]).add("inbox/a.json")).isTrue();
            assertThat(rowsIn(PipelineBeans.in(both[0]).clerk().ledger().dataSource())).isEqualTo(1);
            assertThat(claims(both[1]).add("inbox/a.json")).as("claimed by the other instance").isFalse();
            for (CamelContext instance : both) {
                instance.stop();
            }
        }
    }

    @Test
    void anInstanceStoppedStopsRefreshingItsClaimsBeforeItsLedgerCloses() throws Exception {
        context.stop();
        try (TestPostgres postgres = TestPostgres.start();
                LogCapture errors = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME, "ERROR")) {
            Properties settings = settings();
            settings.setProperty("nanobanana.ledger.url", postgres.newDatabase());
            settings.setProperty("nanobanana.ledger.user", TestPostgres.USER);
            // claims refreshed every 300 ms
            settings.setProperty("nanobanana.ledger.file-claim-max-age", "900ms");
            CamelContext instance = startInstance(settings);
            assertThat(claims(instance).add("inbox/a.json")).isTrue();
            // the pipeline closes its ledger once the context has stopped; Camel shuts its threads down only after
            // every listener of that moment is done, and an application's own may take a while
            instance.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
                @Override
                public void notify(CamelEvent event) throws Exception {
                    if (event instanceof CamelEvent.CamelContextStoppedEvent) {
                        Thread.sleep(1_500);
                    }
                }
            });

            instance.stop();

            assertThat(errors.lines(Level.ERROR)).as("the errors logged while the context stopped").isEmpty();
        }
    }

    private static IdempotentRepository claims(CamelContext context) {
        return context.getRegistry().lookupByNameAndType(PipelineBeans.FILE_CLAIMS, IdempotentRepository.class);
    }

    private static long rowsIn(DataSource ledger) throws SQLException {
        try (Connection connection = ledger.getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
