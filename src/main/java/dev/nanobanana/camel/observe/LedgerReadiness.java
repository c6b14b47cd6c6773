package dev.nanobanana.camel.observe;

import org.apache.camel.util.URISupport;

import dev.nanobanana.camel.settings.KnownSecrets;
import dev.nanobanana.camel.ledger.JobLedger;

/**
 * Ready while the job ledger can be written: no job is submitted before the ledger has it, so without it nothing
 * moves.
 */
final class LedgerReadiness extends ProbedCheck {

    static final String ID = "nanobanana-ledger";

    private final JobLedger ledger;
    private final String url;

    LedgerReadiness(JobLedger ledger, String jdbcUrl, KnownSecrets secrets) {
        super(ID, secrets, "the job ledger has not been written yet");
        this.ledger = ledger;
        this.url = URISupport.sanitizeUri(jdbcUrl);
    }

    @Override
    Verdict look() {
        try {
            ledger.checkWritable();
            return Verdict.up("the job ledger (" + url + ") can be written");
        } catch (RuntimeException e) {
            return Verdict.down("the job ledger (" + url + ") cannot be written: " + rootMessage(e)
                                + ": check that its database is up and writable (nanobanana.ledger.url)");
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        // one line: some drivers' messages span several
        return message.replaceAll("\\s+", " ").strip();
    }
}
