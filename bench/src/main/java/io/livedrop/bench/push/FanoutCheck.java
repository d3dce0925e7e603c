package io.livedrop.bench.push;

import io.livedrop.events.notification.PushBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One drop start's committed push batches, checked as they arrive (on the reader's thread): every follower
 * {@code fan-0 .. fan-(N-1)} exactly once, nobody else, batches of at most the batch size, and from every follows
 * partition gap-free batch numbers 0..k, k alone marked last. Complete when every partition's batches arrived.
 */
final class FanoutCheck {

    private final String dropId;
    private final int followers;
    private final int partitions;
    private final int batchSize;
    private final BitSet seen = new BitSet();
    private final int[] lastBatchNumber;
    private final Map<Integer, BitSet> batchNumbers = new HashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final List<ConsumerRecord<String, PushBatch>> written = new ArrayList<>(); // also the raw producer's
    private long ids;
    private long duplicates;
    private long unexpected;
    private long firstNanos;
    private long completeNanos;

    FanoutCheck(String dropId, int followers, int partitions, int batchSize) {
        this.dropId = dropId;
        this.followers = followers;
        this.partitions = partitions;
        this.batchSize = batchSize;
        this.lastBatchNumber = new int[partitions];
        Arrays.fill(lastBatchNumber, -1);
    }

    synchronized void accept(ConsumerRecord<String, PushBatch> r, long now) {
        PushBatch b = r.value();
        if (b == null || !dropId.equals(b.getDropId())) {
            return;
        }
        if (completeNanos != 0) {
            problem("a batch arrived after the fan-out was complete: " + r.key());
        }
        if (firstNanos == 0) {
            firstNanos = now;
        }
        written.add(r);
        if (!Follows.CREATOR.equals(b.getCreatorId())) {
            problem("batch " + r.key() + " names creator " + b.getCreatorId());
        }
        if (b.getUserIds().size() > batchSize) {
            problem("batch " + r.key() + " holds " + b.getUserIds().size() + " user ids (> " + batchSize + ")");
        }
        for (CharSequence id : b.getUserIds()) {
            ids++;
            int i = Follows.index(id.toString());
            if (i < 0 || i >= followers) {
                unexpected++;
                if (unexpected <= 3) {
                    problem("user id " + id + " does not follow " + Follows.CREATOR);
                }
            } else if (seen.get(i)) {
                duplicates++;
                if (duplicates <= 3) {
                    problem("user id " + id + " named twice");
                }
            } else {
                seen.set(i);
            }
        }
        int p = b.getFollowsPartition();
        if (p < 0 || p >= partitions) {
            problem("batch " + r.key() + " names follows partition " + p);
            return;
        }
        BitSet numbers = batchNumbers.computeIfAbsent(p, x -> new BitSet());
        if (b.getBatchNumber() < 0 || numbers.get(b.getBatchNumber())) {
            problem("follows partition " + p + " batch number " + b.getBatchNumber() + " repeated or negative");
        } else {
            numbers.set(b.getBatchNumber());
        }
        if (b.getLastBatch()) {
            if (lastBatchNumber[p] >= 0) {
                problem("follows partition " + p + " sent two last batches");
            }
            lastBatchNumber[p] = b.getBatchNumber();
        }
        if (lastBatchNumber[p] >= 0 && numbers.length() > lastBatchNumber[p] + 1) {
            problem("follows partition " + p + " sent batch " + (numbers.length() - 1) + " after its last, "
                    + lastBatchNumber[p]);
        }
        if (completeNanos == 0 && everyPartitionDone()) {
            completeNanos = now;
        }
    }

    private boolean everyPartitionDone() {
        return IntStream.range(0, partitions).allMatch(p -> lastBatchNumber[p] >= 0
                && batchNumbers.getOrDefault(p, new BitSet()).cardinality() == lastBatchNumber[p] + 1);
    }

    private void problem(String p) {
        if (problems.size() < 20) {
            problems.add(p);
        }
    }

    synchronized boolean complete() {
        return completeNanos != 0;
    }

    synchronized int partitionsDone() {
        return (int) Arrays.stream(lastBatchNumber).filter(n -> n >= 0).count();
    }

    synchronized long ids() {
        return ids;
    }

    /** The outcome, with the times relative to {@code t0}; call once the reader has stopped. */
    synchronized FanoutRun result(int run, long t0, long ackNanos, long startsFirst, long startsLast, String failure) {
        List<String> all = new ArrayList<>(problems);
        long distinct = seen.cardinality();
        if (completeNanos == 0) {
            all.add(0, "INCOMPLETE: " + partitionsDone() + " of " + partitions + " follows partitions finished"
                    + (failure == null ? "" : " (" + failure + ")"));
        }
        if (distinct != followers) {
            all.add("distinct followers named: " + distinct + ", expected " + followers);
        }
        if (ids != followers) {
            all.add("user ids in all batches: " + ids + ", expected " + followers);
        }
        if (duplicates > 0) {
            all.add(duplicates + " duplicate user ids");
        }
        if (unexpected > 0) {
            all.add(unexpected + " user ids that do not follow " + Follows.CREATOR);
        }
        return new FanoutRun(run, dropId, followers, ms(ackNanos, t0), ms(startsFirst, t0), ms(startsLast, t0),
                ms(firstNanos, t0), ms(completeNanos, t0), written.size(), written.stream().mapToLong(r ->
                Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize())).sum(), ids, distinct,
                duplicates, unexpected, List.copyOf(all));
    }

    synchronized List<ConsumerRecord<String, PushBatch>> written() {
        return List.copyOf(written);
    }

    private static double ms(long at, long t0) {
        return at == 0 ? Double.NaN : (at - t0) / 1e6;
    }

    /** One fan-out: times in ms from the drop start's send; problems empty when every check passed. */
    record FanoutRun(int run, String dropId, int followers, double startAckedMs, double startsFirstMs,
                     double startsLastMs, double firstBatchMs, double completeMs, long batches, long bytes, long ids,
                     long distinct, long duplicates, long unexpected, List<String> problems) {

        boolean ok() {
            return problems.isEmpty();
        }

        double followersPerSecond() {
            return followers / (completeMs / 1000.0);
        }
    }
}
