package io.livedrop.bench.api;

import io.livedrop.bench.CommittedReader;
import io.livedrop.bench.api.LoadGenerator.Outcome;
import io.livedrop.bench.api.LoadGenerator.Reply;
import io.livedrop.events.order.OrderDecision;
import io.livedrop.events.order.OrderRequest;
import io.livedrop.events.order.OrderStatus;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.config.TopologySerdes;
import io.livedrop.topology.order.OrderIds;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The orders baseline: send → committed decision through the instances' topology, without HTTP, GraphQL, token
 * check or API lookups. A producer configured as the API's writes OrderRequest records (the application's serdes);
 * a read_committed consumer of the decisions stamps each when its poll returns.
 */
record TopologyOnly(String bootstrap, Topics topics, TopologySerdes serdes, String[] users, String[] drops,
                    KafkaProducer<String, OrderRequest> producer) implements AutoCloseable {

    private static final Clock CLOCK = Clock.tick(Clock.systemUTC(), Duration.ofMillis(1));

    /** Request i of a run is an order of {@code users[i % users]} on {@code drops[i % drops]}. */
    static TopologyOnly start(String bootstrap, Topics topics, TopologySerdes serdes, String[] users, String[] drops) {
        return new TopologyOnly(bootstrap, topics, serdes, users, drops, new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 1,
                ProducerConfig.CLIENT_ID_CONFIG, "bench-topology-only"),
                serdes.key().serializer(), serdes.orderRequest().serializer()));
    }

    /** The target of one run, with its own decision reader: request i is order {@code prefix-i}. */
    final class RunTarget implements LoadGenerator.Target, AutoCloseable {
        private final String prefix;
        private final AtomicReferenceArray<CompletableFuture<Reply>> waiting;
        private final CommittedReader<OrderDecision> reader;

        /** For {@code length} at {@code rate}/s, the reader running at most {@code drain} + 60 s longer. */
        RunTarget(String prefix, int rate, Duration length, Duration drain) {
            this.prefix = prefix + "-";
            this.waiting = new AtomicReferenceArray<>((int) Math.max(1, Math.round(rate * length.toNanos() / 1e9)));
            this.reader = new CommittedReader<>(bootstrap, topics.orderDecisions().name(),
                    serdes.orderDecision().deserializer(), (record, visibleNanos) -> {
                        OrderDecision d = record.value();
                        if (d == null || !d.getIdempotencyKey().startsWith(this.prefix)) {
                            return;
                        }
                        int i = Integer.parseInt(d.getIdempotencyKey().substring(this.prefix.length()));
                        CompletableFuture<Reply> f = i < waiting.length() ? waiting.get(i) : null;
                        if (f != null) {
                            f.complete(new Reply(d.getStatus() == OrderStatus.CONFIRMED ? Outcome.OK
                                    : Outcome.REJECTED, visibleNanos, null));
                        }
                    }, length.plus(drain).plusSeconds(60), CommittedReader.TAIL_FETCH_WAIT_MS).start();
        }

        @Override
        public CompletableFuture<Reply> send(int i) {
            CompletableFuture<Reply> decided = new CompletableFuture<>();
            waiting.set(i, decided);
            String user = users[i % users.length];
            String drop = drops[i % drops.length];
            String key = prefix + i;
            OrderRequest request = OrderRequest.newBuilder().setOrderId(OrderIds.of(user, key)).setDropId(drop)
                    .setUserId(user).setIdempotencyKey(key).setQuantity(1).setRequestedAt(CLOCK.instant()).build();
            producer.send(new ProducerRecord<>(topics.orderRequests().name(), drop, request), (md, e) -> {
                if (e != null) {
                    decided.complete(Reply.error("produce failed: " + e));
                }
            });
            return decided;
        }

        /** Stops the reader; throws if it failed. */
        @Override
        public void close() {
            reader.close();
            if (reader.failure() != null) {
                throw new IllegalStateException("the decision reader failed: " + reader.failure(), reader.failure());
            }
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
