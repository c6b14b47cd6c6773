package dev.nanobanana.camel.app;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

import dev.nanobanana.camel.settings.NanoBananaSettings;
import dev.nanobanana.camel.cost.CostReport;
import dev.nanobanana.camel.ledger.JobLedger;
import dev.nanobanana.camel.ledger.LedgerException;

/**
 * {@code --costs}: prints what the configured job ledger says was spent, per UTC day and source, and exits. The
 * settings are read as the runtime reads them (config/application.properties, -D, the environment).
 */
final class CostsCommand {

    static final String OPTION = "--costs";
    /** H2's "Database may be already in use": another process holds the file. */
    private static final int H2_FILE_LOCKED = 90020;

    private CostsCommand() {
    }

    static int run(PrintStream out, PrintStream err) {
        NanoBananaSettings settings;
        // never started: only its properties are read
        CamelContext context = new DefaultCamelContext();
        try {
            context.getPropertiesComponent().setLocation("file:" + NanoBananaMain.CONFIG);
            context.getPropertiesComponent().setInitialProperties(RuntimeSetup.defaults());
            settings = NanoBananaSettings.from(context);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        String url = settings.ledgerUrl();
        Path h2File = h2File(url);
        if (h2File != null && !Files.exists(h2File)) {
            err.println("No job ledger at " + h2File + ": nothing was spent from this folder "
                        + "(run --costs from the folder the runtime runs in, or set nanobanana.ledger.url)");
            return 1;
        }
        try (JobLedger ledger = JobLedger.open(url, settings.ledgerUser(), settings.ledgerPassword())) {
            out.print(CostReport.read(ledger, Clock.systemUTC()).table());
            return 0;
        } catch (LedgerException e) {
            if (h2File != null && hasErrorCode(e, H2_FILE_LOCKED)) {
                err.println("The job ledger " + h2File + " is open in a running nano-banana-camel, and H2 lets one "
                            + "process at a time open it: run --costs while the runtime is stopped, or use a "
                            + "PostgreSQL ledger (nanobanana.ledger.url)");
            } else {
                err.println(e.getMessage());
            }
            return 2;
        }
    }

    /** The file an embedded H2 ledger lives in, or null for another database. */
    private static Path h2File(String url) {
        String prefix = url.startsWith("jdbc:h2:file:") ? "jdbc:h2:file:" : null;
        if (prefix == null) {
            return null;
        }
        String path = url.substring(prefix.length());
        int options = path.indexOf(';');
        return Path.of((options < 0 ? path : path.substring(0, options)) + ".mv.db");
    }

    private static boolean hasErrorCode(Throwable failure, int code) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getErrorCode() == code) {
                return true;
            }
        }
        return false;
    }
}
