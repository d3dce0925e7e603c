package io.livedrop.topology.config;

import io.livedrop.events.catalog.Creator;
import io.livedrop.events.catalog.Drop;
import io.livedrop.events.catalog.Product;
import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropState;
import io.livedrop.events.notification.PushBatch;
import io.livedrop.events.order.OrderDecision;
import io.livedrop.events.order.OrderRequest;
import io.livedrop.events.social.FollowEvent;
import io.livedrop.events.social.FollowerCount;
import io.livedrop.schemas.serde.AvroSerdes;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The serdes of every boundary of the topology, built once from one {@link AvroSerdes} factory and
 * passed explicitly to every Consumed, Produced and store; nothing relies on default serdes.
 */
public record TopologySerdes(
        Serde<String> key,
        Serde<Creator> creator,
        Serde<Product> product,
        Serde<Drop> drop,
        Serde<DropState> dropState,
        Serde<DropEvent> dropEvent,
        Serde<OrderRequest> orderRequest,
        Serde<OrderDecision> orderDecision,
        Serde<FollowEvent> followEvent,
        Serde<FollowerCount> followerCount,
        Serde<PushBatch> pushBatch) {

    public static TopologySerdes from(AvroSerdes avro) {
        return new TopologySerdes(
                Serdes.String(),
                avro.valueSerde(Creator.class),
                avro.valueSerde(Product.class),
                avro.valueSerde(Drop.class),
                avro.valueSerde(DropState.class),
                avro.valueSerde(DropEvent.class),
                avro.valueSerde(OrderRequest.class),
                avro.valueSerde(OrderDecision.class),
                avro.valueSerde(FollowEvent.class),
                avro.valueSerde(FollowerCount.class),
                avro.valueSerde(PushBatch.class));
    }

    /**
     * Chooses the wire format from {@link LivedropConfig#SCHEMA_REGISTRY_URL}; every {@code apicurio.*}
     * setting (auth, caching) passes through to the registry serdes unchanged.
     */
    public static TopologySerdes from(LivedropConfig config) {
        Map<String, Object> registrySettings = config.originalsWithPrefix("apicurio.", false);
        return from(AvroSerdes.create(config.schemaRegistryUrl(), registrySettings));
    }
}
