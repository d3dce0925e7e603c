package io.livedrop.kafka.embedded;

import static io.livedrop.kafka.embedded.KafkaTestClients.consumer;
import static io.livedrop.kafka.embedded.KafkaTestClients.createTopic;
import static io.livedrop.kafka.embedded.KafkaTestClients.pollUntil;
import static io.livedrop.kafka.embedded.KafkaTestClients.producer;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(EmbeddedKafkaExtension.class)
class ExactlyOnceStreamsIntegrationTest {

    @Test
    void exactlyOnceV2StreamsAppCountsEveryInputOnceAndCommitsItsOutput(EmbeddedKafkaBroker kafka,
            @TempDir Path stateDir) throws Exception {
        // Given input and output topics and an exactly_once_v2 Streams app counting purchases per SKU
        createTopic(kafka, "eos-purchases", 3);
        createTopic(kafka, "eos-purchase-counts", 3);
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "eos-purchase-counter");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        config.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);

        StreamsBuilder topology = new StreamsBuilder();
        topology.stream("eos-purchases", Consumed.with(Serdes.String(), Serdes.String()))
                .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
                .count(Materialized.<String, Long>as(Stores.inMemoryKeyValueStore("eos-counts"))
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
                .toStream()
                .to("eos-purchase-counts", Produced.with(Serdes.String(), Serdes.Long()));

        try (KafkaStreams streams = new KafkaStreams(topology.build(), config)) {
            streams.start();

            // When 3 purchases of sku-a and 2 of sku-b arrive
            try (KafkaProducer<String, String> producer = producer(kafka, Map.of())) {
                for (String sku : List.of("sku-a", "sku-b", "sku-a", "sku-b", "sku-a")) {
                    producer.send(new ProducerRecord<>("eos-purchases", sku, "1")).get();
                }
            }

            // Then a read_committed consumer sees each count climb once, to exactly 3 and 2, with no duplicates
            try (KafkaConsumer<String, Long> consumer = consumer(kafka, Map.of(
                    ConsumerConfig.GROUP_ID_CONFIG, "eos-purchase-counts-reader",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new LongDeserializer())) {
                consumer.subscribe(List.of("eos-purchase-counts"));
                List<ConsumerRecord<String, Long>> records =
                        new ArrayList<>(pollUntil(consumer, 5, Duration.ofSeconds(30)));
                records.addAll(pollUntil(consumer, 1, Duration.ofSeconds(1))); // a 6th record would be a duplicate
                assertThat(records).extracting(r -> r.key() + "=" + r.value())
                        .containsExactlyInAnyOrder("sku-a=1", "sku-a=2", "sku-a=3", "sku-b=1", "sku-b=2");
            }
        }
    }
}
