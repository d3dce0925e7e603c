package io.livedrop.bench.push;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Baseline (b): one plain RocksDB (default options; the app has one per follows partition) holding the followers
 * store's keys ({@code creator|user}, 8-byte values) of the same follows, flushed and compacted; then a prefix scan
 * of {@code famous|} into batches, as the fan-out processor does, without Kafka Streams' layers, serdes or producer.
 */
final class RocksScanBaseline {

    /** The scans' times in ms, the keys written, and the ids and batches the last scan found. */
    record Result(List<Double> ms, long keys, long ids, int batches) {
    }

    private RocksScanBaseline() {
    }

    static Result run(Path dir, int followers, double noise, int batchSize, int runs) throws Exception {
        RocksDB.loadLibrary();
        Files.createDirectories(dir);
        List<Double> times = new ArrayList<>();
        long keys = 0;
        long ids = 0;
        int batches = 0;
        try (Options options = new Options().setCreateIfMissing(true);
             RocksDB db = RocksDB.open(options, dir.toString())) {
            byte[] value = ByteBuffer.allocate(8).putLong(System.currentTimeMillis()).array();
            try (WriteOptions write = new WriteOptions().setDisableWAL(true); WriteBatch batch = new WriteBatch()) {
                for (int i = 0; i < followers; i++) {
                    for (String creator : Follows.followedBy(i, noise)) {
                        batch.put((creator + '|' + Follows.user(i)).getBytes(StandardCharsets.UTF_8), value);
                        keys++;
                    }
                    if (batch.count() >= 10_000) {
                        db.write(write, batch);
                        batch.clear();
                    }
                }
                db.write(write, batch);
            }
            try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                db.flush(flush);
                db.compactRange();
            }
            byte[] prefix = (Follows.CREATOR + '|').getBytes(StandardCharsets.UTF_8);
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                List<List<String>> out = new ArrayList<>();
                List<String> users = new ArrayList<>(batchSize);
                try (ReadOptions read = new ReadOptions(); RocksIterator it = db.newIterator(read)) {
                    for (it.seek(prefix); it.isValid(); it.next()) {
                        byte[] k = it.key();
                        if (k.length < prefix.length || !Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
                            break;
                        }
                        if (users.size() == batchSize) {
                            out.add(users);
                            users = new ArrayList<>(batchSize);
                        }
                        String key = new String(k, StandardCharsets.UTF_8);
                        users.add(key.substring(key.indexOf('|') + 1));
                    }
                }
                out.add(users);
                times.add((System.nanoTime() - t0) / 1e6);
                ids = out.stream().mapToInt(List::size).sum();
                batches = out.size();
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB baseline failed: " + e, e);
        }
        return new Result(List.copyOf(times), keys, ids, batches);
    }
}
