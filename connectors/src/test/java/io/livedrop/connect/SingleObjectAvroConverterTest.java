package io.livedrop.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.livedrop.events.catalog.Creator;
import io.livedrop.events.catalog.Drop;
import io.livedrop.events.catalog.Product;
import io.livedrop.events.drop.DropEvent;
import io.livedrop.events.drop.DropEventType;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.events.notification.PushBatch;
import io.livedrop.events.order.OrderDecision;
import io.livedrop.events.order.OrderStatus;
import io.livedrop.events.order.RejectReason;
import io.livedrop.schemas.EventTypes;
import io.livedrop.schemas.serde.AvroSerdes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SingleObjectAvroConverterTest {

    private static final AvroSerdes SERDES = AvroSerdes.singleObject();
    private static final Instant T0 = Instant.parse("2026-11-26T07:00:00.123Z");
    private static final Instant T1 = Instant.parse("2026-11-26T08:30:00Z");

    private SingleObjectAvroConverter converter;

    @BeforeEach
    void setUp() {
        converter = new SingleObjectAvroConverter();
        converter.configure(Map.of(), false);
    }

    private static OrderDecision rejected() {
        return OrderDecision.newBuilder().setOrderId("o-1").setDropId("d-1").setUserId("u-1").setIdempotencyKey("k-1")
                .setQuantity(2).setStatus(OrderStatus.REJECTED).setRejectReason(RejectReason.SOLD_OUT).setRemainingStock(0)
                .setRequestedAt(T0).setDecidedAt(T1).build();
    }

    private static Drop drop(Integer perUserLimit, Instant endsAt) {
        return Drop.newBuilder().setId("d-1").setCreatorId("c-1").setProductId("p-1").setInitialStock(100)
                .setPriceCents(2500L).setCurrency("USD").setStartsAt(T0).setEndsAt(endsAt).setPerUserLimit(perUserLimit)
                .setCreatedAt(T1).build();
    }

    private static List<SpecificRecord> samples() {
        return List.of(
                Creator.newBuilder().setId("c-1").setName("Ava").setCreatedAt(T0).build(),
                Product.newBuilder().setId("p-1").setCreatorId("c-1").setName("Hoodie").setDescription(null)
                        .setImageUrl("https://img/1.png").setUpdatedAt(T1).build(),
                drop(3, T1),
                drop(null, null),
                rejected(),
                DropEvent.newBuilder().setDropId("d-1").setCreatorId("c-1").setType(DropEventType.STARTED)
                        .setStatus(DropStatus.LIVE).setInitialStock(100).setRemainingStock(100).setAt(T0).build(),
                PushBatch.newBuilder().setDropId("d-1").setCreatorId("c-1").setStartedAt(T0).setFollowsPartition(3)
                        .setBatchNumber(0).setLastBatch(true).setUserIds(List.of("u-1", "u-2")).build());
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> Serde<T> serde(T record) {
        return SERDES.valueSerde((Class<T>) record.getClass());
    }

    @Test
    void knowsEveryLivedropEventType() {
        assertThat(converter.knownTypes()).containsExactlyInAnyOrderElementsOf(
                EventTypes.ALL.stream().map(t -> EventTypes.schemaOf(t).getFullName()).toList());
    }

    @Test
    void roundTripsTheApplicationsBytesUnchanged() {
        for (SpecificRecord record : samples()) {
            byte[] bytes = serde(record).serializer().serialize("t", record);
            SchemaAndValue connect = converter.toConnectData("t", bytes);
            assertThat(connect.schema().name()).isEqualTo(record.getSchema().getFullName());
            byte[] again = converter.fromConnectData("t", connect.schema(), connect.value());
            assertThat(again).as(record.getSchema().getName()).isEqualTo(bytes);
            assertThat(serde(record).deserializer().deserialize("t", again)).isEqualTo(record);
        }
    }

    @Test
    void readsAnOrderDecisionAsATypedStruct() {
        byte[] bytes = SERDES.valueSerde(OrderDecision.class).serializer().serialize("livedrop.orders.decisions", rejected());

        SchemaAndValue connect = converter.toConnectData("livedrop.orders.decisions", bytes);

        Struct struct = (Struct) connect.value();
        assertThat(connect.schema().field("decidedAt").schema().name()).isEqualTo(Timestamp.LOGICAL_NAME);
        assertThat(struct.get("decidedAt")).isEqualTo(java.util.Date.from(T1));
        assertThat(struct.get("requestedAt")).isEqualTo(java.util.Date.from(T0));
        assertThat(struct.get("status")).isEqualTo("REJECTED");
        assertThat(struct.get("rejectReason")).isEqualTo("SOLD_OUT");
        assertThat(connect.schema().field("rejectReason").schema().isOptional()).isTrue();
        assertThat(connect.schema().field("orderId").schema().isOptional()).isFalse();
        assertThat(struct.get("quantity")).isEqualTo(2);
        struct.validate();
    }

    /** What the catalog source's SMT chain hands the converter: a Debezium row renamed and named after the type. */
    @Test
    void writesAStructShapedByTheSourceSmtsAsTheApplicationsDrop() {
        Schema schema = SchemaBuilder.struct().name("io.livedrop.events.catalog.Drop")
                .field("id", Schema.STRING_SCHEMA)
                .field("creatorId", Schema.STRING_SCHEMA)
                .field("productId", Schema.STRING_SCHEMA)
                .field("initialStock", Schema.INT32_SCHEMA)
                .field("priceCents", Schema.INT64_SCHEMA)
                .field("startsAt", Timestamp.SCHEMA)
                .field("endsAt", Timestamp.builder().optional().build())
                .field("perUserLimit", Schema.OPTIONAL_INT32_SCHEMA)
                .field("createdAt", Timestamp.SCHEMA)
                .field("extraColumn", Schema.OPTIONAL_STRING_SCHEMA) // ignored: not in the Avro schema
                .build(); // no currency column: the Avro default "USD" applies
        Struct value = new Struct(schema).put("id", "d-1").put("creatorId", "c-1").put("productId", "p-1")
                .put("initialStock", 100).put("priceCents", 2500L).put("startsAt", java.util.Date.from(T0))
                .put("endsAt", null).put("perUserLimit", null).put("createdAt", java.util.Date.from(T1));

        byte[] bytes = converter.fromConnectData("livedrop.catalog.drops", schema, value);

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        Drop decoded = SERDES.valueSerde(Drop.class).deserializer().deserialize("livedrop.catalog.drops", bytes);
        assertThat(decoded).isEqualTo(drop(null, null));
    }

    @Test
    void takesEpochMillisForTimestampsAndTheConfiguredTypeWhenTheSchemaNameIsNotLivedrops() {
        converter.configure(Map.of(SingleObjectAvroConverter.TYPE_CONFIG, "io.livedrop.events.catalog.Creator"), false);
        Schema schema = SchemaBuilder.struct().name("pg.public.creators.Value")
                .field("id", Schema.STRING_SCHEMA).field("name", Schema.STRING_SCHEMA).field("createdAt", Schema.INT64_SCHEMA)
                .build();

        byte[] bytes = converter.fromConnectData("t", schema,
                new Struct(schema).put("id", "c-1").put("name", "Ava").put("createdAt", T0.toEpochMilli()));

        assertThat(SERDES.valueSerde(Creator.class).deserializer().deserialize("t", bytes))
                .isEqualTo(Creator.newBuilder().setId("c-1").setName("Ava").setCreatedAt(T0).build());
    }

    @Test
    void refusesWhatItCannotWrite() {
        Schema unnamed = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA).build();
        assertThatThrownBy(() -> converter.fromConnectData("t", unnamed, new Struct(unnamed).put("id", "x")))
                .isInstanceOf(DataException.class).hasMessageContaining("SetSchemaMetadata");

        Schema missingName = SchemaBuilder.struct().name("io.livedrop.events.catalog.Creator")
                .field("id", Schema.STRING_SCHEMA).field("createdAt", Timestamp.SCHEMA).build();
        assertThatThrownBy(() -> converter.fromConnectData("t", missingName,
                new Struct(missingName).put("id", "c").put("createdAt", new java.util.Date())))
                .isInstanceOf(DataException.class).hasMessageContaining("Creator.name");

        assertThatThrownBy(() -> converter.configure(Map.of(SingleObjectAvroConverter.TYPE_CONFIG, "no.Such"), false))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void mapsTombstonesToNullAndRejectsForeignBytes() {
        assertThat(converter.toConnectData("t", null)).isEqualTo(SchemaAndValue.NULL);
        assertThat(converter.fromConnectData("t", null, null)).isNull();
        assertThatThrownBy(() -> converter.toConnectData("t", "{\"json\":1}".getBytes()))
                .isInstanceOf(DataException.class).hasMessageContaining("C3 01");
        byte[] unknown = {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0};
        assertThatThrownBy(() -> converter.toConnectData("t", unknown))
                .isInstanceOf(DataException.class).hasMessageContaining("unknown writer schema fingerprint");
    }

    @Test
    void mapsAnUnknownEnumSymbolToTheEnumsDefault() {
        Schema schema = converter.connectSchema("io.livedrop.events.drop.DropEvent");
        Struct value = new Struct(schema).put("dropId", "d").put("creatorId", "c").put("type", "RESTOCKED")
                .put("status", "LIVE").put("initialStock", 1).put("remainingStock", 1).put("at", java.util.Date.from(T0));
        byte[] bytes = converter.fromConnectData("t", schema, value);
        assertThat(SERDES.valueSerde(DropEvent.class).deserializer().deserialize("t", bytes).getType())
                .isEqualTo(DropEventType.UNKNOWN);
    }
}
