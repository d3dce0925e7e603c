package io.livedrop.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livedrop.events.catalog.Drop;
import io.livedrop.events.drop.DropState;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.events.order.OrderRequest;
import io.livedrop.schemas.EventTypes;
import io.livedrop.schemas.testing.EventFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RegistryAvroSerdeTest {

    private static final String DROPS = "catalog.drops";
    private static final String ORDER_REQUESTS = "orders.requests";
    private static final String DROP_STATES = "drops.state-changelog";
    /** Distinct from the global-id sequence, so the test sees which id lands on the wire. */
    private static final long FIRST_CONTENT_ID = 41;
    private static final long FIRST_GLOBAL_ID = 7001;

    private final ObjectMapper json = new ObjectMapper();
    private final List<Serde<?>> serdes = new ArrayList<>();
    private ApicurioRegistryStub registry;

    @BeforeEach
    void startRegistry() throws IOException {
        registry = new ApicurioRegistryStub(FIRST_CONTENT_ID, FIRST_GLOBAL_ID);
    }

    @AfterEach
    void stopRegistry() {
        serdes.forEach(Serde::close);
        registry.close();
    }

    @Test
    void shouldRoundTripDropThroughRegistry() {
        // Given a producer-side and a separate consumer-side serde on the same registry
        Serde<Drop> producer = serde(Drop.class, Map.of(), false);
        Serde<Drop> consumer = serde(Drop.class, Map.of(), false);
        Drop drop = drop();

        // When the drop is serialized and read back by the other serde
        byte[] bytes = producer.serializer().serialize(DROPS, drop);
        Drop read = consumer.deserializer().deserialize(DROPS, bytes);

        // Then it is equal, a generated Drop and not a GenericRecord
        assertThat(read).isInstanceOf(Drop.class).isEqualTo(drop);
    }

    @Test
    void shouldRoundTripOrderRequestThroughRegistry() {
        // Given one serde for order requests
        Serde<OrderRequest> serde = serde(OrderRequest.class, Map.of(), false);
        OrderRequest request = orderRequest();

        // When an order request goes through it and back
        byte[] bytes = serde.serializer().serialize(ORDER_REQUESTS, request);
        OrderRequest read = serde.deserializer().deserialize(ORDER_REQUESTS, bytes);

        // Then it is equal
        assertThat(read).isEqualTo(request);
    }

    @Test
    void shouldWriteMagicByteAndRegistryContentIdBeforeAvroBinary() throws IOException {
        // Given a serde and a registry that numbers contents from 41 and versions from 7001
        Serde<Drop> serde = serde(Drop.class, Map.of(), false);
        Drop drop = drop();
        RecordHeaders headers = new RecordHeaders();

        // When a drop is serialized (with Kafka headers available to the serializer)
        byte[] bytes = serde.serializer().serialize(DROPS, headers, drop);

        // Then the payload is 0x00, the 4-byte big-endian contentId the registry assigned, then plain Avro binary
        JsonNode registered = json.readTree(registry.calls().get(0).body());
        assertThat(registered.at("/firstVersion/content/content").asText()).isEqualTo(Drop.getClassSchema().toString());
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        assertThat(buffer.get()).isEqualTo((byte) 0);
        assertThat(buffer.getInt()).isEqualTo((int) FIRST_CONTENT_ID);
        byte[] avro = new byte[buffer.remaining()];
        buffer.get(avro);
        assertThat(avro).isEqualTo(avroBinary(drop));
        // And nothing travels in headers
        assertThat(headers.toArray()).isEmpty();
    }

    @Test
    void shouldRegisterSchemaOnceUnderTopicValueArtifact() throws IOException {
        // Given a value serde
        Serde<Drop> serde = serde(Drop.class, Map.of(), false);

        // When two drops are serialized to the same topic
        byte[] first = serde.serializer().serialize(DROPS, drop());
        byte[] second = serde.serializer().serialize(DROPS, drop());

        // Then the schema was registered once, through the v3 API, as artifact <topic>-value in group default
        assertThat(registry.requestLines())
                .containsExactly("POST " + ApicurioRegistryStub.API + "/groups/default/artifacts");
        ApicurioRegistryStub.Call call = registry.calls().get(0);
        assertThat(call.query())
                .containsEntry("ifExists", "FIND_OR_CREATE_VERSION")
                .containsEntry("canonical", "false");
        assertThat(call.contentType()).startsWith("application/json");
        JsonNode body = json.readTree(call.body());
        assertThat(body.path("artifactId").asText()).isEqualTo(DROPS + "-value");
        assertThat(body.path("artifactType").asText()).isEqualTo("AVRO");
        assertThat(body.at("/firstVersion/content/contentType").asText()).isEqualTo("application/json");
        // And both records carry the same id
        assertThat(ByteBuffer.wrap(second, 1, 4).getInt()).isEqualTo(ByteBuffer.wrap(first, 1, 4).getInt());
    }

    @Test
    void shouldRegisterKeySchemaUnderTopicKeyArtifact() throws IOException {
        // Given a key serde
        Serde<OrderRequest> serde = serde(OrderRequest.class, Map.of(), true);

        // When a key is serialized and read back
        OrderRequest key = orderRequest();
        byte[] bytes = serde.serializer().serialize(ORDER_REQUESTS, key);
        OrderRequest read = serde.deserializer().deserialize(ORDER_REQUESTS, bytes);

        // Then its schema is the artifact <topic>-key and the round trip holds
        assertThat(json.readTree(registry.calls().get(0).body()).path("artifactId").asText())
                .isEqualTo(ORDER_REQUESTS + "-key");
        assertThat(read).isEqualTo(key);
    }

    @Test
    void shouldFetchSchemaByIdWhenDeserializerHasNotSeenIt() {
        // Given a fresh consumer serde, a schema that some other producer registered and a record framed with its id
        Serde<Drop> consumer = serde(Drop.class, Map.of(), false);
        long contentId = registry.register("default", DROPS + "-value", Drop.getClassSchema().toString());
        Drop drop = drop();
        byte[] avro = avroBinary(drop);
        byte[] bytes = ByteBuffer.allocate(5 + avro.length).put((byte) 0).putInt((int) contentId).put(avro).array();

        // When a fresh deserializer reads that record twice
        Drop first = consumer.deserializer().deserialize(DROPS, bytes);
        Drop second = consumer.deserializer().deserialize(DROPS, bytes);

        // Then it fetched the schema and its references by content id, once, and decoded the drop
        assertThat(registry.requestLines()).containsExactly(
                "GET " + ApicurioRegistryStub.API + "/ids/contentIds/" + contentId,
                "GET " + ApicurioRegistryStub.API + "/ids/contentIds/" + contentId + "/references");
        assertThat(first).isEqualTo(drop);
        assertThat(second).isEqualTo(drop);
    }

    @Test
    void shouldFailWhenRegistryDoesNotKnowTheSchemaId() {
        // Given a record framed with an id the registry never handed out
        Serde<Drop> consumer = serde(Drop.class, Map.of(), false);
        byte[] avro = avroBinary(drop());
        byte[] bytes = ByteBuffer.allocate(5 + avro.length).put((byte) 0).putInt(999).put(avro).array();

        // When / Then the deserializer fails with the registry's 404 rather than guessing a schema
        assertThatThrownBy(() -> consumer.deserializer().deserialize(DROPS, bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(DROPS)
                .hasMessageContaining("registry answered 404 ContentNotFoundException")
                .hasMessageContaining("No content with id '999' was found.");
        assertThat(registry.requestLines()).contains("GET " + ApicurioRegistryStub.API + "/ids/contentIds/999");
    }

    @Test
    void shouldRegisterNestedRecordAndEnumAsOneSelfContainedSchema() throws IOException {
        // Given a serde for DropState, whose schema nests the Drop record and the DropStatus enum
        Serde<DropState> serde = serde(DropState.class, Map.of(), false);
        DropState state = EventFixtures.dropState(drop(), DropStatus.LIVE, 42).build();

        // When it is serialized and read back
        byte[] bytes = serde.serializer().serialize(DROP_STATES, state);
        List<String> registration = registry.requestLines();
        DropState read = serde.deserializer().deserialize(DROP_STATES, bytes);

        // Then exactly one artifact was registered, holding the whole schema and no references
        assertThat(registration).containsExactly("POST " + ApicurioRegistryStub.API + "/groups/default/artifacts");
        JsonNode content = json.readTree(registry.calls().get(0).body()).at("/firstVersion/content");
        assertThat(content.path("content").asText()).isEqualTo(DropState.getClassSchema().toString());
        assertThat(content.path("references").isMissingNode() || content.path("references").isEmpty()).isTrue();
        assertThat(read).isEqualTo(state);
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void shouldRoundTripEveryEventTypeThroughRegistry() {
        // Given one populated record of each event type
        EventFixtures.oneOfEach().forEach((type, record) -> {
            Serde serde = serde(type, Map.of(), false);
            String topic = "topic-" + type.getSimpleName();

            // When it is serialized and deserialized
            byte[] bytes = serde.serializer().serialize(topic, record);
            Object read = serde.deserializer().deserialize(topic, bytes);

            // Then it comes back equal, framed with magic byte 0
            assertThat(read).as(type.getSimpleName()).isEqualTo(record);
            assertThat(bytes[0]).as(type.getSimpleName()).isZero();
        });
        assertThat(EventFixtures.oneOfEach().keySet()).containsExactlyInAnyOrderElementsOf(EventTypes.ALL);
    }

    @Test
    void shouldBeWhatAvroSerdesBuildsWhenRegistryUrlIsSet() {
        // Given the project's serde factory configured with the registry
        AvroSerdes serdes = AvroSerdes.create(registry.url(), Map.of());
        Serde<Drop> serde = serdes.valueSerde(Drop.class);
        Drop drop = drop();

        // When a drop goes through its Drop serde
        byte[] bytes = serde.serializer().serialize(DROPS, drop);

        // Then it used the registry and the Confluent framing, and reads back equal
        assertThat(serdes.usesRegistry()).isTrue();
        assertThat(registry.requestLines()).first()
                .isEqualTo("POST " + ApicurioRegistryStub.API + "/groups/default/artifacts");
        assertThat(bytes[0]).isZero();
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo((int) FIRST_CONTENT_ID);
        assertThat(serde.deserializer().deserialize(DROPS, bytes)).isEqualTo(drop);
    }

    @Test
    void shouldRejectRecordOfAnotherClass() {
        // Given a drop on the wire and a deserializer for order requests
        byte[] dropBytes = serde(Drop.class, Map.of(), false).serializer().serialize(DROPS, drop());
        Serde<OrderRequest> orderRequests = serde(OrderRequest.class, Map.of(), false);

        // When / Then the order request deserializer refuses it
        assertThatThrownBy(() -> orderRequests.deserializer().deserialize(DROPS, dropBytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(OrderRequest.class.getName())
                .hasMessageContaining(Drop.class.getName());
    }

    @Test
    void shouldPassExtraConfigThroughToRegistryClient() {
        // Given basic-auth credentials in the extra config
        Serde<Drop> serde = serde(Drop.class, Map.of(
                "apicurio.registry.auth.username", "livedrop",
                "apicurio.registry.auth.password", "s3cret"), false);

        // When a drop is serialized
        serde.serializer().serialize(DROPS, drop());

        // Then the registry saw them
        String expected = "Basic " + Base64.getEncoder()
                .encodeToString("livedrop:s3cret".getBytes(StandardCharsets.UTF_8));
        assertThat(registry.calls()).extracting(ApicurioRegistryStub.Call::authorization).containsOnly(expected);
    }

    @Test
    void shouldRefuseExtraConfigThatChangesTheWireFormat() {
        // Given extra config that would move the schema id into Kafka headers
        Map<String, Object> headersEnabled = Map.of("apicurio.registry.headers.enabled", true);

        // When / Then the factory refuses to build the serde
        assertThatThrownBy(() -> RegistryAvroSerde.create(Drop.class, registry.url(), headersEnabled, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("apicurio.registry.headers.enabled");
    }

    @Test
    void shouldIgnoreConfigureCallsFromKafka() {
        // Given a serde that Kafka (or Kafka Streams) configures again with its own, registry-less properties
        Serde<Drop> serde = serde(Drop.class, Map.of(), false);
        serde.configure(Map.of("bootstrap.servers", "localhost:9092"), false);
        serde.serializer().configure(Map.of(), false);
        serde.deserializer().configure(Map.of(), false);

        // When a drop goes through it
        Drop read = serde.deserializer().deserialize(DROPS, serde.serializer().serialize(DROPS, drop()));

        // Then the factory's configuration still holds
        assertThat(read).isEqualTo(drop());
    }

    @Test
    void shouldPassNullsThroughAsTombstones() {
        // Given a serde
        Serde<Drop> serde = serde(Drop.class, Map.of(), false);

        // When / Then null stays null both ways, without calling the registry
        assertThat(serde.serializer().serialize(DROPS, null)).isNull();
        assertThat(serde.deserializer().deserialize(DROPS, null)).isNull();
        assertThat(registry.calls()).isEmpty();
    }

    private <T extends SpecificRecord> Serde<T> serde(Class<T> type, Map<String, ?> extra, boolean isKey) {
        Serde<T> serde = RegistryAvroSerde.create(type, registry.url(), extra, isKey);
        serdes.add(serde);
        return serde;
    }

    private static byte[] avroBinary(SpecificRecord record) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Drop drop() {
        return EventFixtures.drop("drop-1", "creator-7", "product-3")
                .setEndsAt(EventFixtures.T0.plusSeconds(3_600)).setPerUserLimit(2).build();
    }

    private static OrderRequest orderRequest() {
        return EventFixtures.orderRequest("order-1", "drop-1", "user-42").setQuantity(2).build();
    }
}
