package io.livedrop.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Redis baseline's server without a system package: the linux-amd64 {@code redis-server} that
 * {@code com.github.codemonstur:embedded-redis} bundles in its jar (only the binary is used, not its Java API), copied
 * once to {@code <tmp>/livedrop-redis-<user>/} and made executable. It needs glibc and OpenSSL 3 ({@code libssl3},
 * which Debian's Java packages already pull in). On other platforms an installed {@code redis-server} on PATH is used,
 * or there is none and the benchmark says what to install.
 */
final class RedisServerBinary {

    /** The resource in embedded-redis 1.4.3's jar (its name says 6.2.6; the server reports 6.2.11). */
    static final String LINUX_AMD64 = "redis-server-6.2.6-v5-linux-amd64";

    private RedisServerBinary() {
    }

    /** The bundled server on linux-amd64, else the installed one, else empty. */
    static Optional<Path> find() {
        return bundled().or(RedisServerBinary::installed);
    }

    /** An installed redis-server: on PATH or in the usual places. */
    static Optional<Path> installed() {
        return Stream.concat(Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).filter(d -> !d.isBlank()),
                        Stream.of("/usr/bin", "/usr/sbin", "/usr/local/bin")).map(d -> Path.of(d, "redis-server"))
                .filter(Files::isExecutable).findFirst();
    }

    static boolean isLinuxAmd64() {
        String arch = System.getProperty("os.arch", "");
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")
                && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    /** On linux-amd64 the bundled binary, copied out of the jar when not there yet (or of another size), else empty. */
    static synchronized Optional<Path> bundled() {
        if (!isLinuxAmd64()) {
            return Optional.empty();
        }
        try (InputStream in = RedisServerBinary.class.getClassLoader().getResourceAsStream(LINUX_AMD64)) {
            if (in == null) {
                return Optional.empty();
            }
            Path dir = Files.createDirectories(
                    Path.of(System.getProperty("java.io.tmpdir"), "livedrop-redis-" + System.getProperty("user.name")));
            Path target = dir.resolve(LINUX_AMD64);
            long size = RedisServerBinary.class.getClassLoader().getResource(LINUX_AMD64).openConnection()
                    .getContentLengthLong();
            if (!Files.isExecutable(target) || Files.size(target) != size) {
                // a temp file then a rename: a concurrent run never starts a half-written binary
                Path partial = Files.createTempFile(dir, LINUX_AMD64, ".part");
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return Optional.of(target);
        } catch (IOException e) {
            throw new UncheckedIOException("could not copy " + LINUX_AMD64 + " out of the embedded-redis jar", e);
        }
    }
}
