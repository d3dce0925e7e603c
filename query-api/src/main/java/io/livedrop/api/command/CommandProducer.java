package io.livedrop.api.command;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what mutations ask for (order requests, catalog changes) to their topics: one idempotent
 * producer per instance, {@code acks=all}, so a request the API accepted is on every in-sync
 * replica before the client hears of it, and a producer retry never writes it twice.
 */
public final class CommandProducer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CommandProducer.class);
    private static final Duration ACCEPTED_WITHIN = Duration.ofSeconds(10);

    private final KafkaProducer<String, byte[]> producer;

    public CommandProducer(String bootstrapServers) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 1,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                // send() waits this long for metadata or buffer space, on the request's thread: with the broker
                // away, the 60 s default held every server thread and starved reads (fault suite, scenario 2c)
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000,
                ProducerConfig.CLIENT_ID_CONFIG, "livedrop-api-commands"),
                new StringSerializer(), new ByteArraySerializer());
    }

    public <V> CompletableFuture<RecordMetadata> send(String topic, String key, V value, Serializer<V> serializer) {
        CompletableFuture<RecordMetadata> sent = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, key, serializer.serialize(topic, value)), (metadata, error) -> {
                if (error != null) {
                    sent.completeExceptionally(error);
                } else {
                    sent.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            // e.g. metadata not available within max.block.ms: the request was not accepted
            sent.completeExceptionally(e);
        }
        return sent;
    }

    /** Sends and waits until Kafka has accepted the record; {@link CommandNotAcceptedException} if it has not within 10 s. */
    public <V> void sendAccepted(String topic, String key, V value, Serializer<V> serializer) {
        try {
            send(topic, key, value, serializer).get(ACCEPTED_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new CommandNotAcceptedException("The change was not accepted by Kafka (" + e + "); retry", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandNotAcceptedException("Interrupted", e);
        }
    }

    /**
     * Polls {@code visible} every 5 ms until it holds or {@code within} has passed; whether it held. A look that
     * fails (the view's partition is rebalancing) counts as "not yet": the write is accepted already, and its
     * answer must not become an error because a read of it failed.
     */
    public static boolean awaitVisible(Duration within, BooleanSupplier visible) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!holds(visible)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static boolean holds(BooleanSupplier visible) {
        try {
            return visible.getAsBoolean();
        } catch (RuntimeException notReadable) {
            return false;
        }
    }

    /**
     * Fetches the metadata of {@code topics}, waiting at most {@code within} in all. Done before the application is
     * ready: after a restart the first send to each topic would otherwise wait for it on a request thread, and fail
     * after max.block.ms (1 s) on a busy machine ("not present in metadata"); nothing was written then, but the
     * request failed because the instance had just started.
     */
    public void awaitMetadata(List<String> topics, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        for (String topic : topics) {
            while (true) {
                try {
                    producer.partitionsFor(topic);
                    break;
                } catch (org.apache.kafka.common.errors.TimeoutException notYet) {
                    if (System.nanoTime() > deadline) {
                        log.warn("No metadata for topic {} within {}; its first writes may fail", topic, within);
                        return;
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
