package io.livedrop.api.demo;

import io.livedrop.events.catalog.Creator;
import io.livedrop.events.catalog.Drop;
import io.livedrop.events.catalog.Product;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.config.TopologySerdes;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A small catalog to try livedrop with: three creators, four products, one drop LIVE now, one
 * scheduled ten minutes ahead and one that ends. Written through the catalog topics like any
 * catalog change, so the topology treats it as real data.
 */
public final class DemoData {

    private final Topics topics;
    private final TopologySerdes serdes;

    public DemoData(Topics topics, TopologySerdes serdes) {
        this.topics = topics;
        this.serdes = serdes;
    }

    public record Catalog(List<Creator> creators, List<Product> products, List<Drop> drops) {
    }

    public static Catalog catalog(Instant now) {
        Instant t = now.truncatedTo(ChronoUnit.SECONDS);
        List<Creator> creators = List.of(
                Creator.newBuilder().setId("creator-ava").setName("Ava Stone").setCreatedAt(t).build(),
                Creator.newBuilder().setId("creator-kenji").setName("Kenji Mori").setCreatedAt(t).build(),
                Creator.newBuilder().setId("creator-lola").setName("Lola Reyes").setCreatedAt(t).build());
        List<Product> products = List.of(
                product("product-hoodie", "creator-ava", "Midnight Hoodie", "Heavyweight hoodie, numbered run", t),
                product("product-vinyl", "creator-kenji", "Neon Tides (vinyl)", "Signed first pressing", t),
                product("product-print", "creator-lola", "Desert Bloom print", "A2 giclée print, signed", t),
                product("product-cap", "creator-ava", "Logo Cap", "Embroidered six-panel cap", t));
        List<Drop> drops = List.of(
                drop("drop-hoodie-live", "creator-ava", "product-hoodie", 500, 8_900, t.minusSeconds(5), null, 2, t),
                drop("drop-vinyl-soon", "creator-kenji", "product-vinyl", 300, 3_500, t.plus(Duration.ofMinutes(10)),
                        t.plus(Duration.ofHours(2)), 1, t),
                drop("drop-print-live", "creator-lola", "product-print", 50, 12_000, t.minusSeconds(5),
                        t.plus(Duration.ofDays(1)), null, t));
        return new Catalog(creators, products, drops);
    }

    /** Writes the demo catalog and waits until the broker has it. */
    public void publish(String bootstrapServers, Instant now) {
        Catalog catalog = catalog(now);
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config,
                serdes.key().serializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new java.util.ArrayList<>();
            catalog.creators().forEach(c -> sent.add(send(producer, topics.creators().name(), c.getId(), c, serdes.creator().serializer())));
            catalog.products().forEach(p -> sent.add(send(producer, topics.products().name(), p.getId(), p, serdes.product().serializer())));
            catalog.drops().forEach(d -> sent.add(send(producer, topics.drops().name(), d.getId(), d, serdes.drop().serializer())));
            for (Future<RecordMetadata> future : sent) {
                future.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not write the demo catalog: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T> Future<RecordMetadata> send(KafkaProducer<String, byte[]> producer, String topic, String key,
                                                   T value, Serializer<T> serializer) {
        return producer.send(new ProducerRecord<>(topic, key, serializer.serialize(topic, value)));
    }

    private static Product product(String id, String creatorId, String name, String description, Instant t) {
        return Product.newBuilder().setId(id).setCreatorId(creatorId).setName(name).setDescription(description)
                .setImageUrl(null).setUpdatedAt(t).build();
    }

    private static Drop drop(String id, String creatorId, String productId, int stock, long priceCents,
                             Instant startsAt, Instant endsAt, Integer perUserLimit, Instant t) {
        return Drop.newBuilder().setId(id).setCreatorId(creatorId).setProductId(productId).setInitialStock(stock)
                .setPriceCents(priceCents).setCurrency("USD").setStartsAt(startsAt).setEndsAt(endsAt)
                .setPerUserLimit(perUserLimit).setCreatedAt(t).build();
    }
}
