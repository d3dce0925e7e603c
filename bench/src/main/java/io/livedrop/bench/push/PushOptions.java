package io.livedrop.bench.push;

import io.livedrop.bench.FlagValues;
import static io.livedrop.bench.FlagValues.dbl;
import static io.livedrop.bench.FlagValues.integer;
import static io.livedrop.bench.FlagValues.ints;

import io.livedrop.bench.FlagValues.UsageException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The push benchmark's flags. */
record PushOptions(List<Integer> followers, int runs, int partitions, double noise, int streamThreads, String broker,
                   Path out, String name, boolean quick, Map<String, String> streamsConfig) {

    static final List<Integer> FULL = List.of(10_000, 100_000, 1_000_000);
    static final List<Integer> QUICK = List.of(10_000, 100_000);

    static final String USAGE = """
            bench/push [flags]: the push fan-out of a drop start (SocialTopology) for one creator's followers.

              --followers=N,N,...     follower counts, seeded cumulatively in this order (default 10000,100000,1000000)
              --quick                 10000,100000 only; report in bench/target/push-quick/ unless --out is given
              --runs=N                fan-outs per size, and runs of each baseline (default 3)
              --partitions=N          topics.partitions: the follows / drop-starts / push-batches partitions (default 12)
              --noise=F               follows of other creators, as a fraction of the followers (default 0.1)
              --stream-threads=N      num.stream.threads of the one Kafka Streams instance (default 1; another value
                                      is a separate, labelled variant: report push-threads-N.md)
              --streams-config=k=v,.. more Kafka Streams overrides (labelled in the report)
              --broker=child|in-process  where the broker runs (default child: a JVM of its own)
              --out=DIR               where the report goes (default docs/benchmarks)
              --name=NAME             report file name without .md (default push, or push-threads-N)
              --help                  this text
            """;

    static PushOptions parse(String[] args) {
        Map<String, String> f = FlagValues.flags(args);
        boolean quick = Boolean.parseBoolean(f.remove("quick"));
        List<Integer> followers = ints(f.remove("followers"), quick ? QUICK : FULL);
        int runs = integer(f.remove("runs"), 3);
        int partitions = integer(f.remove("partitions"), 12);
        double noise = dbl(f.remove("noise"), 0.1);
        int threads = integer(f.remove("stream-threads"), 1);
        String broker = f.getOrDefault("broker", "child");
        f.remove("broker");
        Path out = Path.of(f.getOrDefault("out", quick ? "bench/target/push-quick" : "docs/benchmarks"));
        f.remove("out");
        String name = f.getOrDefault("name", threads == 1 ? "push" : "push-threads-" + threads);
        f.remove("name");
        Map<String, String> streamsConfig = FlagValues.keyValues(f.remove("streams-config"), "streams-config");
        if (!f.isEmpty()) {
            throw new UsageException("Unknown flag(s) " + f.keySet());
        }
        if (followers.isEmpty() || followers.stream().anyMatch(n -> n < 1) || runs < 1 || partitions < 1
                || noise < 0 || noise > Follows.NOISE_CREATORS.size() || threads < 1) {
            throw new UsageException("Out-of-range value: need followers >= 1, runs >= 1, partitions >= 1,"
                    + " 0 <= noise <= " + Follows.NOISE_CREATORS.size() + ", stream-threads >= 1");
        }
        for (int i = 1; i < followers.size(); i++) {
            if (followers.get(i) <= followers.get(i - 1)) {
                throw new UsageException("--followers must increase (they are seeded cumulatively): " + followers);
            }
        }
        if (!broker.equals("child") && !broker.equals("in-process")) {
            throw new UsageException("--broker is child or in-process");
        }
        return new PushOptions(followers, runs, partitions, noise, threads, broker, out, name, quick,
                Map.copyOf(streamsConfig));
    }
}
