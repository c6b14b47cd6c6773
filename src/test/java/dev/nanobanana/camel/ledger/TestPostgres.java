package dev.nanobanana.camel.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** A real PostgreSQL server for one test class, in this process's care, with a new database for each test. */
public final class TestPostgres implements AutoCloseable {

    public static final String USER = "postgres";

    private final EmbeddedPostgres server;
    private final AtomicInteger databases = new AtomicInteger();

    private TestPostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    public static TestPostgres start() {
        try {
            return new TestPostgres(EmbeddedPostgres.builder().setPort(0).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JDBC URL of a database no test has used. */
    public String newDatabase() {
        String name = "ledger_" + databases.incrementAndGet();
        try (Connection connection = server.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return server.getJdbcUrl(USER, name);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
