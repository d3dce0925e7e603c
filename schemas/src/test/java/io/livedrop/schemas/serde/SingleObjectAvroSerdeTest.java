package io.livedrop.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.livedrop.events.catalog.Drop;
import io.livedrop.schemas.EventTypes;
import io.livedrop.schemas.ReleasedSchemas;
import io.livedrop.schemas.testing.EventFixtures;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class SingleObjectAvroSerdeTest {

    private final AvroSerdes serdes = AvroSerdes.singleObject();

    @Test
    void shouldRoundTripEveryEventType() {
        // Given one populated record of each event type
        EventFixtures.oneOfEach().forEach((type, record) -> {
            // When it is serialized and deserialized
            byte[] bytes = serialize(type, record);
            SpecificRecord back = deserialize(type, bytes);

            // Then it comes back equal, in the single-object format (0xC3 0x01 + fingerprint)
            assertThat(back).as(type.getSimpleName()).isEqualTo(record);
            assertThat(bytes[0]).isEqualTo((byte) 0xC3);
            assertThat(bytes[1]).isEqualTo((byte) 0x01);
        });
        assertThat(EventFixtures.oneOfEach().keySet()).containsExactlyInAnyOrderElementsOf(EventTypes.ALL);
    }

    @Test
    void shouldMapNullToNullForTombstones() {
        Serde<Drop> serde = serdes.valueSerde(Drop.class);
        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void shouldDecodeARecordWrittenWithAnOlderReleasedVersion() {
        // Given an older Drop schema without currency and perUserLimit, released as v0
        Schema current = EventTypes.schemaOf(Drop.class);
        Schema older = olderDropSchema(current);
        SingleObjectAvroSerde<Drop> serde = new SingleObjectAvroSerde<>(Drop.class,
                ReleasedSchemas.of(List.of(new ReleasedSchemas.Version(current.getFullName(), 0, older))));
        byte[] written = encodeWith(older, "d-old");

        // When the current build decodes it
        Drop drop = serde.deserializer().deserialize("drops", written);

        // Then the new fields take their defaults
        assertThat(drop.getId()).isEqualTo("d-old");
        assertThat(drop.getCurrency()).isEqualTo("USD");
        assertThat(drop.getPerUserLimit()).isNull();
    }

    @Test
    void shouldFailClearlyOnAnUnknownWriterSchema() {
        // Given a record written with a schema this build has never seen
        Schema current = EventTypes.schemaOf(Drop.class);
        byte[] written = encodeWith(olderDropSchema(current), "d-x");

        // When the default serde (without that version released) decodes it
        // Then it is a SerializationException naming the type and the topic
        assertThatThrownBy(() -> serdes.valueSerde(Drop.class).deserializer().deserialize("drops", written))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Drop").hasMessageContaining("drops");
    }

    @Test
    void shouldFailClearlyOnGarbageBytes() {
        assertThatThrownBy(() -> serdes.valueSerde(Drop.class).deserializer().deserialize("drops", new byte[] {1, 2, 3}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("3 bytes");
    }

    @Test
    void shouldRefuseATypeThatIsNotAnEventType() {
        assertThatThrownBy(() -> serdes.valueSerde(org.apache.avro.specific.SpecificRecordBase.class.asSubclass(SpecificRecord.class)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("EventTypes.ALL");
    }

    private static Schema olderDropSchema(Schema current) {
        List<Schema.Field> fields = current.getFields().stream()
                .filter(f -> !f.name().equals("currency") && !f.name().equals("perUserLimit"))
                .map(f -> new Schema.Field(f, f.schema()))
                .toList();
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    private static byte[] encodeWith(Schema writer, String id) {
        GenericRecord record = new GenericData.Record(writer);
        record.put("id", id);
        record.put("creatorId", "c1");
        record.put("productId", "p1");
        record.put("initialStock", 10);
        record.put("priceCents", 100L);
        record.put("startsAt", 1L);
        record.put("endsAt", null);
        record.put("createdAt", 1L);
        try {
            ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private byte[] serialize(Class<? extends SpecificRecord> type, SpecificRecord record) {
        return ((Serde) serdes.valueSerde(type)).serializer().serialize("topic", record);
    }

    private SpecificRecord deserialize(Class<? extends SpecificRecord> type, byte[] bytes) {
        return serdes.valueSerde(type).deserializer().deserialize("topic", bytes);
    }
}
