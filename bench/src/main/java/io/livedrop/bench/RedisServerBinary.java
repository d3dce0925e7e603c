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
 * The Redis baseline's server: on linux-amd64 the binary bundled in embedded-redis's jar (needs glibc and libssl3),
 * copied once to {@code <tmp>/livedrop-redis-<user>/}; elsewhere an installed {@code redis-server}, or none.
 */
final class RedisServerBinary {

    /** embedded-redis 1.4.3's resource (named 6.2.6, it reports 6.2.11). */
    static final String LINUX_AMD64 = "redis-server-6.2.6-v5-linux-amd64";

    private RedisServerBinary() {
    }

    static Optional<Path> find() {
        return bundled().or(RedisServerBinary::installed);
    }

    /** On PATH or in the usual places. */
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

    /** Copied out of the jar when missing or of another size. */
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
                // a rename: a concurrent run never starts a half-written binary
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
