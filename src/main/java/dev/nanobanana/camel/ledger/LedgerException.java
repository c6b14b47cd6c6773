package dev.nanobanana.camel.ledger;

import java.sql.SQLException;

/** The ledger's database could not be read or written; the message says what was being done. */
public class LedgerException extends RuntimeException {

    public LedgerException(String doing, SQLException cause) {
        super("job ledger: " + doing + " failed: " + cause.getMessage(), cause);
    }

    public LedgerException(String message, Throwable cause) {
        super(message, cause);
    }
}
