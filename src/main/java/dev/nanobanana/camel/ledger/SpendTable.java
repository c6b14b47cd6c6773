package dev.nanobanana.camel.ledger;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;

/**
 * The statements on {@code ledger_spend}, what jobs count against the budget per UTC day of their submission, and on
 * {@code ledger_budget}, the row every submit locks while it checks the budget; each within the caller's transaction.
 */
final class SpendTable {

    private static final String LOCK_BUDGET = "SELECT id FROM ledger_budget WHERE id = 1 FOR UPDATE";
    private static final String SINCE = "SELECT COALESCE(SUM(usd), 0) FROM ledger_spend WHERE utc_day >= ?";
    private static final String ADD = "UPDATE ledger_spend SET usd = usd + ? WHERE utc_day = ?";
    private static final String INSERT = "INSERT INTO ledger_spend (utc_day, usd) VALUES (?, ?)";

    /**
     * Waits for, and holds until the caller commits, the lock that makes checking the budget and counting a job one
     * step for every instance on the database.
     */
    void lockBudget(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(LOCK_BUDGET);
                ResultSet row = select.executeQuery()) {
            if (!row.next()) {
                throw new SQLException("the ledger's table ledger_budget has lost its row; restore it with "
                                       + "INSERT INTO ledger_budget (id) VALUES (1)");
            }
        }
    }

    /** What jobs submitted from {@code firstDay} on count, in USD. */
    BigDecimal since(Connection connection, LocalDate firstDay) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SINCE)) {
            select.setObject(1, firstDay);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getBigDecimal(1);
            }
        }
    }

    /**
     * Adds {@code usd} (which may be negative) to what the day counts. A day's first job adds its row; the caller holds
     * the budget's lock then, so no other instance adds it at the same time.
     */
    void add(Connection connection, LocalDate day, BigDecimal usd) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(ADD)) {
            update.setBigDecimal(1, usd);
            update.setObject(2, day);
            if (update.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setObject(1, day);
            insert.setBigDecimal(2, usd);
            insert.executeUpdate();
        }
    }
}
