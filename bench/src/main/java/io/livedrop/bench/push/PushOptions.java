package io.livedrop.bench.push;

import io.livedrop.bench.Cli;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The push benchmark's options. */
@Command(name = "bench/run push", description = {"The push fan-out of a drop start (SocialTopology) for one creator's"
        + " followers.", ""})
final class PushOptions extends Cli.Options {

    @Option(names = "--followers", split = ",", defaultValue = "10000,100000,1000000", description = "follower counts,"
            + " seeded cumulatively in this order (default 10000,100000,1000000; quick 10000,100000)")
    List<Integer> followers;
    @Option(names = "--runs", description = "fan-outs per size, and runs of each baseline (default 3)")
    int runs = 3;
    @Option(names = "--partitions", description = "topics.partitions: the follows / drop-starts / push-batches partitions (default 12)")
    int partitions = 12;
    @Option(names = "--noise", description = "follows of other creators, as a fraction of the followers (default 0.1)")
    double noise = 0.1;
    @Option(names = "--stream-threads", description = "num.stream.threads of the one Kafka Streams instance (default 1;"
            + " another value is a separate, labelled variant: report push-threads-N.md)")
    int streamThreads = 1;
    @Option(names = "--broker", description = "child|in-process: where the broker runs (default child: a JVM of its own)")
    String broker = "child";

    @Override
    protected Map<String, String> quickDefaults() {
        return Map.of("--followers", "10000,100000");
    }

    @Override
    protected void check() {
        name = name != null ? name : streamThreads == 1 ? "push" : "push-threads-" + streamThreads;
        Cli.require(!followers.isEmpty() && followers.stream().allMatch(n -> n >= 1) && runs >= 1 && partitions >= 1
                && noise >= 0 && noise <= Follows.NOISE_CREATORS.size() && streamThreads >= 1, "Out-of-range value:"
                + " need followers >= 1, runs >= 1, partitions >= 1, 0 <= noise <= " + Follows.NOISE_CREATORS.size()
                + ", stream-threads >= 1");
        Cli.require(IntStream.range(1, followers.size()).allMatch(i -> followers.get(i) > followers.get(i - 1)),
                "--followers must increase (they are seeded cumulatively): " + followers);
        Cli.requireBroker(broker);
    }
}
