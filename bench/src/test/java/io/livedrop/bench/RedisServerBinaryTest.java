package io.livedrop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Redis baseline needs no system package on linux-amd64: the server bundled from Maven is found and runs here. */
class RedisServerBinaryTest {

    @Test
    void onLinuxAmd64TheBundledServerIsUsedAndRuns() throws Exception {
        Optional<Path> server = RedisServerBinary.find();
        if (!RedisServerBinary.isLinuxAmd64()) {
            assertThat(server).isEqualTo(RedisServerBinary.installed());
            return;
        }
        assertThat(server).as("redis-server bundled in embedded-redis's jar").isPresent();
        assertThat(server.get().getFileName()).hasToString(RedisServerBinary.LINUX_AMD64);
        assertThat(server.get()).isExecutable();

        Process p = new ProcessBuilder(server.get().toString(), "--version").redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("redis-server --version (a missing shared library fails here): %s", out).isZero();
        assertThat(out).contains("Redis server v=6.2.");
    }

    @Test
    void aSecondLookupReusesTheCopy() throws Exception {
        if (!RedisServerBinary.isLinuxAmd64()) {
            assertThat(RedisServerBinary.bundled()).isEmpty();
            return;
        }
        Path first = RedisServerBinary.bundled().orElseThrow();
        long modified = Files.getLastModifiedTime(first).toMillis();
        Path second = RedisServerBinary.bundled().orElseThrow();
        assertThat(second).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(second).toMillis()).isEqualTo(modified);
    }
}
