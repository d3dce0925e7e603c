package io.livedrop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Redis baseline needs no system package on linux-amd64: the server bundled from Maven is found and runs here. */
class RedisLuaBenchServerTest {

    @Test
    void onLinuxAmd64TheBundledServerIsUsedAndRuns() throws Exception {
        Optional<Path> server = RedisLuaBench.server();
        if (!RedisLuaBench.isLinuxAmd64()) {
            assertThat(server).isEqualTo(RedisLuaBench.installedServer());
            return;
        }
        assertThat(server).as("redis-server bundled in embedded-redis's jar").isPresent();
        assertThat(server.get().getFileName()).hasToString(RedisLuaBench.LINUX_AMD64);
        assertThat(server.get()).isExecutable();

        Process p = new ProcessBuilder(server.get().toString(), "--version").redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("redis-server --version (a missing shared library fails here): %s", out).isZero();
        assertThat(out).contains("Redis server v=6.2.");
    }

    @Test
    void aSecondLookupReusesTheCopy() throws Exception {
        if (!RedisLuaBench.isLinuxAmd64()) {
            assertThat(RedisLuaBench.bundledServer()).isEmpty();
            return;
        }
        Path first = RedisLuaBench.bundledServer().orElseThrow();
        long modified = Files.getLastModifiedTime(first).toMillis();
        Path second = RedisLuaBench.bundledServer().orElseThrow();
        assertThat(second).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(second).toMillis()).isEqualTo(modified);
    }
}
