package io.livedrop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole benchmark at a tiny scale: a broker, the raw round trip, the topology under exactly_once_v2, Redis when
 * installed; every run must pass its correctness checks and the report and plot must be written. Keeps the harness
 * working as the topology evolves (the figures of so small a run mean nothing).
 */
class StampedeBenchmarkIntegrationTest {

    @Test
    void aTinyRunPassesEveryCheckAndWritesTheReport(@TempDir Path out) throws Exception {
        int status = StampedeBenchmark.run(new String[] {
                "--scale=0.002", "--rates=400", "--duration=2", "--warmup=1", "--guarantees=exactly_once_v2",
                "--commit-intervals=100", "--spread-drops=10", "--broker=in-process", "--out=" + out, "--name=tiny"});

        String report = Files.readString(out.resolve("tiny.md"));
        assertThat(report).contains("| livedrop topology | exactly_once_v2, commit 100 ms | hot drop |",
                "| livedrop topology | exactly_once_v2, commit 100 ms | spread: 10 drops |",
                "raw Kafka round trip", "## Correctness of every run");
        assertThat(report).doesNotContain("The run failed");
        if (RedisLuaBench.server().isPresent()) {
            assertThat(report).contains("| Redis Lua |");
        } else {
            assertThat(report).contains("apt-get install -y redis-server");
        }
        assertThat(out.resolve("tiny-latency.png")).isNotEmptyFile();
        assertThat(status).as("exit status (0 = every run passed its checks)").isZero();
    }
}
