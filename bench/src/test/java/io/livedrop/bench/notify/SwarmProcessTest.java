package io.livedrop.bench.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * The client processes: the split of a cohort over servers and processes, the line protocol, the merge of their
 * answers into one delivery, and a fleet of two real child JVMs against a minimal graphql-transport-ws server that
 * tells each subscriber of one drop once its subscribe is acknowledged by a pong.
 */
class SwarmProcessTest {

    private static final String NEXT = "{\"id\":\"1\",\"type\":\"next\",\"payload\":{\"data\":{\"dropStarted\":"
            + "{\"drop\":{\"id\":\"d1\"},\"startedAt\":\"2026-12-05T10:00:00Z\"}}}}";
    private DisposableServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.disposeNow();
        }
    }

    /** A server that answers init and pings, and sends drop d1 once, right after the first pong. */
    private String start() {
        server = HttpServer.create().host("127.0.0.1").port(0).route(r -> r.ws("/graphql", (in, out) -> {
            AtomicBoolean told = new AtomicBoolean();
            return out.sendString(in.receive().asString().flatMapIterable(m -> m.contains("connection_init")
                    ? List.of("{\"type\":\"connection_ack\"}") : !m.contains("\"ping\"") ? List.<String>of()
                    : told.compareAndSet(false, true) ? List.of("{\"type\":\"pong\"}", NEXT)
                    : List.of("{\"type\":\"pong\"}")));
        }, WebsocketServerSpec.builder().protocols("graphql-transport-ws").build())).bindNow();
        return "ws://HOST:" + server.port() + "/graphql";
    }

    @Test
    void splitsACohortEvenlyOverProcessesAndServers() {
        assertThat(SwarmProcess.shares(100_000, 6)).containsExactly(16_666, 16_667, 16_667, 16_666, 16_667, 16_667);
        assertThat(SwarmProcess.shares(1, 3)).containsExactly(0, 0, 1);
        assertThat(SwarmProcess.perServer(100_000, 6)).containsExactly(16_667, 16_667, 16_667, 16_667, 16_666,
                16_666);
        assertThat(SwarmProcess.perServer(7, 3)).containsExactly(3, 2, 2);
        assertThat(IntStream.of(SwarmProcess.shares(12_345, 7)).sum()).isEqualTo(12_345);
    }

    @Test
    void autoTakesTheProcessesThatKeepEachUnderItsOpenFiles() {
        assertThat(NotifyOptions.processes("auto", 100_000, 20_000, NotifyBenchmark.APP_FDS_IDLE)).isEqualTo(6);
        assertThat(NotifyOptions.processes("auto", 100_000, 20_000, NotifyBenchmark.CLIENT_FDS_IDLE)).isEqualTo(6);
        assertThat(NotifyOptions.processes("auto", 100_000, 10_000, NotifyBenchmark.APP_FDS_IDLE)).isEqualTo(13);
        assertThat(NotifyOptions.processes("auto", 400, 20_000, NotifyBenchmark.APP_FDS_IDLE)).isEqualTo(1);
        assertThat(NotifyOptions.processes("3", 100_000, 20_000, 0)).isEqualTo(3);
        assertThat(SwarmProcess.heapMiB(768, 72, 16_667)).isEqualTo(2_048);
    }

    @Test
    void mergesTheProcessesAnswersIntoOneDelivery() {
        Swarm.Delivery d = SwarmProcess.merge(List.of("told 0 - 30 10", "told 2 2026-12-05T10:00:00Z 20", "told 0 -"));

        assertThat(d.told.get()).isEqualTo(3);
        assertThat(d.duplicates.get()).isEqualTo(2);
        assertThat(d.startedAt).isEqualTo("2026-12-05T10:00:00Z");
        assertThat(IntStream.range(0, 3).mapToLong(d.receivedMicros::get).sorted().toArray()).containsExactly(10, 20, 30);
        Swarm.Stats sum = SwarmProcess.sum(List.of("opened " + SwarmProcess.encode(new Swarm.Stats(3, 1,
                "{ConnectException=1}", 0, "{}", 1, "bad\tframe", 2)), "stats " + SwarmProcess.encode(new Swarm.Stats(
                4, 2, "{Timeout=2}", 1, "{1011 x=1}", 0, null, 0))));
        assertThat(sum).isEqualTo(new Swarm.Stats(7, 3, "{ConnectException=1}, {Timeout=2}", 1, "{1011 x=1}", 1,
                "bad frame", 2));
    }

    @Test
    void answersEachCommandWithOneLine() throws Exception {
        String socket = start();
        ByteArrayOutputStream answers = new ByteArrayOutputStream();
        String commands = String.join("\n", "open 10 3 2 30000 false bench unused.jar u " + socket + " test cohort",
                "await d1 1000 30000", "stats", "close", "nonsense");

        SwarmProcess.serve(new BufferedReader(new StringReader(commands)), new PrintStream(answers, true,
                StandardCharsets.UTF_8));

        List<String> lines = answers.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).startsWith("opened 3\t0\t{}\t0\t{}\t0\tnull\t0");
        String[] told = lines.get(1).split(" ");
        assertThat(Arrays.copyOf(told, 3)).containsExactly("told", "0", "2026-12-05T10:00:00Z");
        assertThat(told).hasSize(6);
        assertThat(lines.get(2)).startsWith("stats 3\t");
        assertThat(lines.subList(3, 5)).containsExactly("closed", "error unknown command nonsense");
    }

    @Test
    void aFleetOfTwoProcessesHoldsACohortAndTellsOneDelivery(@TempDir Path logs) throws Exception {
        String socket = start();
        try (SwarmProcess.Fleet fleet = new SwarmProcess.Fleet(2, 3, logs)) {
            Subscribers five = fleet.cohort("test cohort", 5, List.of(socket, socket), "bench", Path.of("unused.jar"),
                    false, "u");
            five.open(4, Duration.ofSeconds(30));
            Swarm.Delivery d = five.await("d1", "test", Duration.ofSeconds(1), Duration.ofSeconds(30));
            Subscribers one = fleet.cohort("baseline", 1, List.of(socket), "bench", Path.of("unused.jar"), false, "v");
            five.close();
            one.open(4, Duration.ofSeconds(30));

            assertThat(five.accepted()).isEqualTo(5);
            assertThat(d.told.get()).isEqualTo(5);
            assertThat(d.duplicates.get()).isZero();
            assertThat(one.accepted()).isEqualTo(1);
            assertThat(one.stats().accepted()).isEqualTo(1);
            assertThat(fleet.pids).hasSize(2).allMatch(pid -> ProcessHandle.of(pid).isPresent());
            one.close();
        }
    }
}
