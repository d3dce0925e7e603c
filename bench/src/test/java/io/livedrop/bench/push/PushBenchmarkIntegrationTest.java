package io.livedrop.bench.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The push benchmark at a tiny scale: the social topology on a broker, fan-outs checked follower by
 * follower, both baselines, the report. Keeps the harness working as the topology evolves (the
 * figures of so small a run mean nothing).
 */
class PushBenchmarkIntegrationTest {

    @Test
    void aTinyRunNamesEveryFollowerOnceAndWritesTheReport(@TempDir Path out) throws Exception {
        int status = PushBenchmark.run(new String[] {
                "--followers=1000,3000", "--runs=1", "--partitions=4", "--broker=in-process", "--out=" + out, "--name=tiny"});

        String report = Files.readString(out.resolve("tiny.md"));
        assertThat(report).contains("| 1,000 | 1 |", "| 3,000 | 1 |", "RocksDB", "## Correctness");
        assertThat(report).doesNotContain("VIOLATION");
        assertThat(status).as("exit status (0 = every fan-out passed its checks)").isZero();
    }
}
