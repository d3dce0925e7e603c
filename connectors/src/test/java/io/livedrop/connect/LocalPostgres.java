package io.livedrop.connect;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL cluster of its own (Debian's {@code postgresql} package: {@code initdb} and
 * {@code pg_ctl} from {@code /usr/lib/postgresql/<newest>/bin}), in a temp directory, on a free port,
 * with {@code wal_level=logical} for Debezium. initdb refuses to run as root, so as root every command
 * runs as the {@code postgres} system user ({@code runuser -u postgres --}) on a directory it owns.
 * The superuser is {@value #USER} with trust authentication on 127.0.0.1 only.
 */
final class LocalPostgres implements AutoCloseable {

    static final String USER = "livedrop";

    private final Path dir;
    private final Path bin;
    private final boolean asPostgresUser;
    private final int port;

    private LocalPostgres(Path dir, Path bin, boolean asPostgresUser, int port) {
        this.dir = dir;
        this.bin = bin;
        this.asPostgresUser = asPostgresUser;
        this.port = port;
    }

    /** The newest installed server's bin directory, or empty when Debian's postgresql package is missing. */
    static java.util.Optional<Path> findBin() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return java.util.Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.filter(v -> Files.isExecutable(v.resolve("bin/initdb")) && Files.isExecutable(v.resolve("bin/pg_ctl")))
                    .max(Comparator.comparingDouble(v -> parseVersion(v.getFileName().toString())))
                    .map(v -> v.resolve("bin"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double parseVersion(String name) {
        try {
            return Double.parseDouble(name);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static LocalPostgres start() throws IOException, InterruptedException {
        Path bin = findBin().orElseThrow(() -> new IllegalStateException(
                "PostgreSQL server binaries not found under /usr/lib/postgresql: apt-get install postgresql (see connectors/README.md)"));
        boolean root = "root".equals(System.getProperty("user.name"));
        // under /tmp, not target/: as root, the postgres user must be able to reach the directory
        Path dir = Files.createTempDirectory("livedrop-pg-");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        LocalPostgres pg = new LocalPostgres(dir, bin, root, port);
        if (root) {
            pg.run(60, "chown", "-R", "postgres:postgres", dir.toString());
        }
        pg.runAs(120, bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", USER,
                "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync");
        String options = String.join(" ", "-p " + port, "-k " + dir, "-c listen_addresses=127.0.0.1",
                "-c wal_level=logical", "-c max_wal_senders=5", "-c max_replication_slots=5", "-c fsync=off",
                "-c synchronous_commit=off", "-c full_page_writes=off", "-c timezone=UTC");
        pg.runAs(90, bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                dir.resolve("server.log").toString(), "-w", "-t", "60", "-o", options, "start");
        return pg;
    }

    int port() {
        return port;
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
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

    @Override
    public void close() {
        try {
            runAs(60, bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
        } catch (Exception e) {
            System.err.println("LocalPostgres: stop failed: " + e.getMessage());
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            System.err.println("LocalPostgres: cleanup failed: " + e.getMessage());
        }
    }

    private void runAs(int timeoutSeconds, String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        run(timeoutSeconds, full.toArray(String[]::new));
    }

    private void run(int timeoutSeconds, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("livedrop-pg-cmd-", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .directory(dir.toFile()).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out after " + timeoutSeconds + " s: " + String.join(" ", command));
            }
            if (process.exitValue() != 0) {
                String serverLog = Files.exists(dir.resolve("server.log"))
                        ? Files.readString(dir.resolve("server.log")) : "";
                throw new IllegalStateException("exit " + process.exitValue() + ": " + String.join(" ", command) + "\n"
                        + Files.readString(log) + serverLog);
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
