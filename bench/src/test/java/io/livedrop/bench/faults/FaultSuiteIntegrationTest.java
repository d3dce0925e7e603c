package io.livedrop.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault suite's fast subset, as CI runs it: scenarios 1 (kill -9 an instance mid-stampede and restart it),
 * 5 (one idempotency key 100 times at once and after a restart) and 6 (poison pills on every input topic) at a small
 * scale, against the application jar a full {@code mvn verify} has just built (query-api is built before bench).
 * Scenario 5's restart is scenario 1's (one restart fewer); no warm-up: the figures of a CI run are not read.
 * Fails on any violated invariant: an order lost, flipped, decided twice, or stock oversold. The other scenarios
 * (2, 3, 4, 7, 8) take minutes each and run in the full suite, {@code bench/faults} (docs/reliability.md).
 */
class FaultSuiteIntegrationTest {

    static final Path APP_JAR = Path.of("../query-api/target/livedrop.jar");

    @Test
    void theFastSubsetViolatesNoInvariant(@TempDir Path out) throws Exception {
        assertThat(APP_JAR).as("the application jar: run the whole mvn verify, or mvn -DskipTests -pl query-api -am"
                + " package first").isRegularFile();

        int status = run(out, "--quick", "--scenarios=1,5,6", "--rate=40", "--before=4", "--after=4", "--warmup=0",
                "--out=" + out, "--name=quick", "--app-jar=" + APP_JAR);

        String report = Files.readString(out.resolve("quick.md"));
        assertThat(report).contains("| 1. kill -9 one instance mid-stampede, restart it | ok |",
                "| 5. one idempotency key 100× concurrently, and again after a restart | ok |",
                "| 6. poison pills on every input topic | ok |", "**Result: no invariant violated in any scenario.**");
        assertThat(report).doesNotContain("VIOLAT", "FAILED", "DID NOT RUN");
        assertThat(status).as("exit status (0 = every scenario ran, no violation)").isZero();
    }

    /** Runs the suite with its logs (broker, instances) in the test's temporary directory. */
    private static int run(Path out, String... args) throws Exception {
        System.setProperty("bench.log.file", out.resolve("logs/bench.log").toString());
        try {
            return FaultSuite.run(args);
        } finally {
            System.clearProperty("bench.log.file");
        }
    }
}
