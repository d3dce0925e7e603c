package io.livedrop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Redis baseline needs no system package: the server embedded-redis bundles from Maven is found and runs here. */
class RedisLuaBenchServerTest {

    @Test
    void theBundledServerIsFoundAndRuns() throws Exception {
        Optional<Path> server = RedisLuaBench.server();
        assertThat(server).as("redis-server bundled in embedded-redis's jar for %s/%s, or installed",
                System.getProperty("os.name"), System.getProperty("os.arch")).isPresent();
        assertThat(server.get()).isExecutable();

        Process p = new ProcessBuilder(server.get().toString(), "--version").redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("redis-server --version (a missing shared library fails here): %s", out).isZero();
        assertThat(out).contains("Redis server v=");
    }
}
