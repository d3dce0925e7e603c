package io.livedrop.bench.notify;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.livedrop.bench.ChildJvm;
import io.livedrop.bench.Tokens;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A client process of the notification benchmark: a {@link Swarm} in a JVM of its own (open files are limited per
 * process), driven by lines on stdin and answering one line each on stdout:
 * {@code open <first> <size> <concurrency> <timeoutMs> <deflate> <document> <jar> <userPrefix> <sockets,> <label>}
 * → {@code opened <stats>}; {@code await <dropId> <stallMs> <timeoutMs>} → {@code told <duplicates> <startedAt|->
 * <arrival micros of each told subscriber>...}; {@code stats} → {@code stats <stats>}; {@code close} → {@code closed}.
 * {@link Fleet} is the benchmark's side. Known gap: arrivals are stamped by each process's clock (one host, one clock).
 */
final class SwarmProcess {

    private SwarmProcess() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream answers = System.out;
        System.setOut(System.err); // progress lines go to the log
        serve(new BufferedReader(new InputStreamReader(System.in, UTF_8)), answers);
    }

    /** Answers each command until stdin ends. */
    static void serve(BufferedReader in, PrintStream out) throws IOException {
        Tokens tokens = new Tokens(Tokens.SECRET);
        Swarm swarm = null;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] a = line.split(" ", 11);
            switch (a[0]) {
                case "open" -> {
                    swarm = new Swarm(a[10], Integer.parseInt(a[2]), Integer.parseInt(a[1]), List.of(a[9].split(",")),
                            Documents.of(a[6], Path.of(a[7])), Boolean.parseBoolean(a[5]),
                            i -> tokens.mint(a[8] + i, List.of(), Duration.ofHours(3), Instant.now()));
                    swarm.open(Integer.parseInt(a[3]), Duration.ofMillis(Long.parseLong(a[4])));
                    out.println("opened " + encode(swarm.stats()));
                }
                case "await" -> out.println(told(swarm.await(a[1], "drop", Duration.ofMillis(Long.parseLong(a[2])),
                        Duration.ofMillis(Long.parseLong(a[3])))));
                case "stats" -> out.println("stats " + encode(swarm.stats()));
                case "close" -> {
                    swarm.close();
                    out.println("closed");
                }
                default -> out.println("error unknown command " + a[0]);
            }
            out.flush();
        }
    }

    static String told(Swarm.Delivery d) {
        return "told " + d.duplicates.get() + " " + Objects.requireNonNullElse(d.startedAt, "-") + IntStream.range(0,
                d.receivedMicros.length()).mapToLong(d.receivedMicros::get).filter(x -> x != 0)
                .mapToObj(x -> " " + x).collect(Collectors.joining());
    }

    /** The answers of several processes to one {@code await}, as one delivery (arrivals in process order). */
    static Swarm.Delivery merge(List<String> answers) {
        List<String[]> parts = answers.stream().map(a -> a.split(" ")).toList();
        Swarm.Delivery d = new Swarm.Delivery(parts.stream().mapToInt(p -> p.length - 3).sum());
        int i = 0;
        for (String[] p : parts) {
            d.duplicates.addAndGet(Integer.parseInt(p[1]));
            for (int k = 3; k < p.length; k++) {
                d.record(i++, Long.parseLong(p[k]), p[2].equals("-") ? null : p[2]);
            }
        }
        return d;
    }

    /** Stats as one tab-separated line. */
    static String encode(Swarm.Stats s) {
        return Stream.of(s.accepted(), s.failed(), s.failures(), s.closedByServer(), s.closes(), s.protocolErrors(),
                s.firstProtocolError(), s.deflated()).map(v -> String.valueOf(v).replaceAll("[\t\r\n]", " "))
                .collect(Collectors.joining("\t"));
    }

    /** The stats of several processes (answers "opened ..." or "stats ..."): counts summed, causes listed. */
    static Swarm.Stats sum(List<String> answers) {
        List<String[]> f = answers.stream().map(a -> a.substring(a.indexOf(' ') + 1).split("\t", -1)).toList();
        Function<Integer, Integer> total = k -> f.stream().mapToInt(x -> Integer.parseInt(x[k])).sum();
        Function<Integer, String> causes = k -> f.stream().map(x -> x[k]).filter(x -> !x.equals("{}"))
                .collect(Collectors.joining(", ")).transform(x -> x.isEmpty() ? "{}" : x);
        return new Swarm.Stats(total.apply(0), total.apply(1), causes.apply(2), total.apply(3), causes.apply(4),
                total.apply(5), f.stream().map(x -> x[6]).filter(x -> !x.equals("null")).findFirst().orElse(null),
                total.apply(7));
    }

    /** Subscribers of a cohort of {@code size} per process of {@code processes}: even contiguous shares. */
    static int[] shares(int size, int processes) {
        return IntStream.range(0, processes).map(k -> (int) ((long) size * (k + 1) / processes
                - (long) size * k / processes)).toArray();
    }

    /** Connections each of {@code servers} gets when subscriber i goes to server i % servers. */
    static int[] perServer(int size, int servers) {
        return IntStream.range(0, servers).map(k -> size / servers + (k < size % servers ? 1 : 0)).toArray();
    }

    /** -Xmx in MiB for {@code connections}: a base and a cost per connection, rounded up to 128 MiB. */
    static int heapMiB(int baseMiB, int kibPerConnection, int connections) {
        return (baseMiB + (int) ((long) kibPerConnection * connections / 1024) + 127) / 128 * 128;
    }

    /** One client process as the benchmark drives it: a command line out, one answer line back. */
    static final class Client extends ChildJvm {
        private final BufferedReader answers;
        private final PrintStream commands;

        Client(String name, Path logDir, int heapMiB) throws IOException {
            super(name, logDir.resolve(name + ".log"), Path.of(System.getProperty("java.home")),
                    List.of("-Xmx" + heapMiB + "m", "-XX:+UseG1GC", "-cp", System.getProperty("java.class.path")),
                    "BENCH_CLIENT_JAVA_OPTS");
            command.add(SwarmProcess.class.getName());
            spawn(true);
            answers = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
            commands = new PrintStream(process.getOutputStream(), true, UTF_8);
        }

        String answer() {
            try {
                String line = answers.readLine();
                if (line == null || line.startsWith("error")) {
                    throw new IllegalStateException("client process " + name + ": " + line + "; see " + log + ":\n"
                            + tail());
                }
                return line;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** M client processes (started once per run); each cohort spread over them in even contiguous shares. */
    static final class Fleet implements AutoCloseable {
        final List<Client> clients = new ArrayList<>();
        final int heapMiB;
        final List<Long> pids;

        Fleet(int processes, int largestShare, Path logDir) throws IOException {
            heapMiB = heapMiB(256, 24, largestShare);
            for (int k = 1; k <= processes; k++) {
                clients.add(new Client("client-" + k, logDir, heapMiB));
            }
            pids = clients.stream().map(ChildJvm::pid).toList();
        }

        /** The cohort's subscribers, held by the processes (those with an empty share take no part). */
        Subscribers cohort(String label, int size, List<String> sockets, String document, Path jar,
                                 boolean deflate, String userPrefix) {
            int[] share = shares(size, clients.size());
            List<Client> active = IntStream.range(0, share.length).filter(k -> share[k] > 0).mapToObj(clients::get)
                    .toList();
            return new Subscribers() {
                private Swarm.Stats stats = Swarm.Stats.NONE;

                @Override
                public void open(int concurrency, Duration timeout) {
                    stats = sum(each(active, c -> {
                        int k = clients.indexOf(c);
                        return String.join(" ", "open", String.valueOf(IntStream.of(share).limit(k).sum()),
                                String.valueOf(share[k]), String.valueOf(Math.max(16, concurrency / active.size())),
                                String.valueOf(timeout.toMillis()), String.valueOf(deflate), document, jar.toString(),
                                userPrefix, String.join(",", sockets), label + " (" + c.name + ")");
                    }));
                }

                @Override
                public int accepted() {
                    return stats.accepted();
                }

                @Override
                public Swarm.Stats stats() {
                    return stats = sum(each(active, c -> "stats"));
                }

                @Override
                public Swarm.Delivery await(String dropId, String what, Duration stall, Duration timeout) {
                    return merge(each(active, c -> "await " + dropId + " " + stall.toMillis() + " "
                            + timeout.toMillis()));
                }

                @Override
                public void close() {
                    each(active, c -> "close");
                }
            };
        }

        /** Sends each process its command, then reads the answers: the processes work at once. */
        private static List<String> each(List<Client> to, Function<Client, String> command) {
            to.forEach(c -> c.commands.println(command.apply(c)));
            return to.stream().map(Client::answer).toList();
        }

        @Override
        public void close() {
            clients.forEach(c -> c.commands.close()); // stdin ends: each closes its swarm and exits
            clients.forEach(ChildJvm::close);
        }
    }
}
