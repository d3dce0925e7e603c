package io.livedrop.schemas.serde;

import io.apicurio.registry.resolver.config.SchemaResolverConfig;
import io.apicurio.registry.rest.client.models.ProblemDetails;
import io.apicurio.registry.serde.Default4ByteIdHandler;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import io.apicurio.registry.serde.config.IdOption;
import io.apicurio.registry.serde.config.SerdeConfig;
import io.apicurio.registry.serde.kafka.config.KafkaSerdeConfig;
import io.apicurio.registry.serde.strategy.TopicIdStrategy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Registry path of {@link AvroSerdes} (chosen when a registry URL is configured): a Kafka {@link Serde} for one
 * generated Avro {@link SpecificRecord} class, backed by Apicurio Registry 3.1.x's {@code AvroKafkaSerializer} /
 * {@code AvroKafkaDeserializer}.
 *
 * <h2>Wire format</h2>
 * The Confluent-compatible framing, entirely in the record payload (no Kafka headers are read or written):
 * <pre>
 *   byte 0      magic byte 0x00
 *   bytes 1..4  schema id, 4-byte big-endian int = the registry's <b>contentId</b>
 *   bytes 5..   Avro binary encoding of the record (no container, no fingerprint)
 * </pre>
 * This is Apicurio 3.x's {@link Default4ByteIdHandler} with {@code apicurio.registry.use-id=contentId} and
 * {@code apicurio.registry.headers.enabled=false}. The contentId is the id that Apicurio's Confluent
 * compatibility API ({@code /apis/ccompat/v7}) exposes as the schema id (unless the server runs with
 * {@code apicurio.ccompat.legacy-id-mode.enabled=true}, which switches ccompat to globalIds), so Confluent
 * {@code KafkaAvroDeserializer}s pointed at {@code /apis/ccompat/v7} of the same registry can read these
 * records.
 *
 * <h2>Registry API</h2>
 * The serdes speak the Apicurio <b>v3 core REST API</b> (not ccompat). {@code registryUrl} may be the server
 * root ({@code http://host:8080}) or the API root ({@code http://host:8080/apis/registry/v3}); the client
 * appends {@code /apis/registry/v3} when missing. A URL containing {@code /apis/registry/v2} switches the
 * client to the deprecated v2 API. Requests made:
 * <ul>
 *   <li>serializer, first record of a class per topic:
 *       {@code POST {api}/groups/default/artifacts?ifExists=FIND_OR_CREATE_VERSION&canonical=false} with a
 *       {@code CreateArtifact} JSON body (artifactId {@code <topic>-value} or {@code <topic>-key}, type
 *       {@code AVRO}, the schema as {@code firstVersion.content.content}); the contentId of the answer's
 *       {@code version} goes into every record. Cached per (topic, class) afterwards.</li>
 *   <li>deserializer, first record carrying an unseen id: {@code GET {api}/ids/contentIds/{id}} (raw schema) and
 *       {@code GET {api}/ids/contentIds/{id}/references}. Cached per id afterwards.</li>
 * </ul>
 * Schemas are registered <b>dereferenced</b> ({@code apicurio.registry.dereference-schema=true}): one
 * self-contained schema per subject, as Confluent does, instead of Apicurio's default of registering every
 * nested record/enum as its own artifact and referencing it.
 *
 * <h2>Decoding</h2>
 * The deserializer decodes with {@code SpecificDatumReader(writerSchema, readerSchema)} where the reader schema is
 * {@code SCHEMA$} of the generated class named by the writer schema ({@code use-specific-avro-reader=true}), so
 * schema evolution follows Avro resolution rules. A record of another class than {@code type} is rejected with
 * a {@link SerializationException}. Avro 1.12 only instantiates trusted classes: the factory adds
 * livedrop's event package to Avro's trusted classes ({@link AvroTrust}).
 *
 * <h2>Configuration</h2>
 * {@code extraConfig} is passed through to both Apicurio serdes (auth: {@code apicurio.registry.auth.*}, TLS:
 * {@code apicurio.registry.tls.*}, {@code apicurio.registry.artifact.group-id},
 * {@code apicurio.registry.artifact-resolver-strategy}, {@code apicurio.registry.check-period-ms},
 * {@code apicurio.registry.http.adapter}, {@code apicurio.registry.vertx.instance}, ...) and may override the
 * defaults of {@link #defaultConfig(String)}; the keys that define the wire format ({@link #WIRE_FORMAT_KEYS})
 * may not be changed. The returned serde is fully configured: its {@code configure(...)} methods are no-ops,
 * so Kafka or Kafka Streams configuration cannot silently re-configure it.
 *
 * <h2>Known gaps</h2>
 * <ul>
 *   <li>Does not talk to a Confluent Schema Registry (its API is {@code /subjects/...}); it needs Apicurio's
 *       v3 (or v2) core API.</li>
 *   <li>Auto-registration happens on the producer side; with {@code ifExists=FIND_OR_CREATE_VERSION} the
 *       registry's compatibility rules (if configured) are the only guard against incompatible schemas.</li>
 *   <li>The HTTP client is the Vert.x one (kiota-http-vertx) on Apicurio's shared default Vert.x instance
 *       (daemon threads, never closed); {@link Serde#close()} does not release its WebClients. Pass your own
 *       {@code io.vertx.core.Vertx} under {@code apicurio.registry.vertx.instance} to manage it.</li>
 *   <li>A schema id that the registry does not know fails the deserializer at once with the registry's 404
 *       (Apicurio retries only HTTP 429 and connection errors); no fallback artifact is configured. Failures
 *       surface as {@link SerializationException}s carrying the registry's status and title.</li>
 *   <li>Only the {@code BINARY} Avro encoding; no Avro JSON encoding, no Confluent "schema references".</li>
 * </ul>
 */
final class RegistryAvroSerde {

    /** Keys fixed by this factory because they define the wire format or the decoded type. */
    static final Set<String> WIRE_FORMAT_KEYS = Set.of(
            SchemaResolverConfig.REGISTRY_URL,
            SerdeConfig.ID_HANDLER,
            SerdeConfig.USE_ID,
            SerdeConfig.IS_KEY,
            KafkaSerdeConfig.ENABLE_HEADERS,
            AvroSerdeConfig.AVRO_ENCODING,
            AvroSerdeConfig.AVRO_DATUM_PROVIDER,
            AvroSerdeConfig.USE_SPECIFIC_AVRO_READER);

    private RegistryAvroSerde() {
    }

    /**
     * A serde for the records of {@code type}, registering/looking up schemas in the Apicurio Registry at
     * {@code registryUrl}.
     *
     * @param type        the generated SpecificRecord class the deserializer must return
     * @param registryUrl Apicurio Registry URL, server root or {@code .../apis/registry/v3}
     * @param extraConfig further {@code apicurio.registry.*} settings passed through (may be empty or null)
     * @param isKey       {@code true} for a key serde (artifact {@code <topic>-key}), {@code false} for values
     * @throws IllegalArgumentException if {@code extraConfig} tries to change one of {@link #WIRE_FORMAT_KEYS}
     */
    static <T extends SpecificRecord> Serde<T> create(Class<T> type, String registryUrl, Map<String, ?> extraConfig,
                                                      boolean isKey) {
        Objects.requireNonNull(type, "type");
        Map<String, Object> config = config(registryUrl, extraConfig);
        AvroTrust.trustEventPackage();

        AvroKafkaSerializer<T> serializer = new AvroKafkaSerializer<>();
        AvroKafkaDeserializer<T> deserializer = new AvroKafkaDeserializer<>();
        try {
            serializer.configure(config, isKey);
            deserializer.configure(config, isKey);
        } catch (RuntimeException e) {
            closeQuietly(serializer);
            closeQuietly(deserializer);
            throw e;
        }
        return new ConfiguredSerde<>(new TypedSerializer<>(type, serializer),
                new TypedDeserializer<>(type, deserializer));
    }

    /** The defaults this factory sets, before {@code extraConfig}. */
    static Map<String, Object> defaultConfig(String registryUrl) {
        Objects.requireNonNull(registryUrl, "registryUrl");
        if (registryUrl.isBlank()) {
            throw new IllegalArgumentException("registryUrl is blank");
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(SchemaResolverConfig.REGISTRY_URL, registryUrl);
        // Producer side: register the record's schema under <topic>-value / <topic>-key in group "default",
        // reusing the existing version when the same content is already there.
        config.put(SchemaResolverConfig.AUTO_REGISTER_ARTIFACT, Boolean.TRUE);
        config.put(SchemaResolverConfig.AUTO_REGISTER_ARTIFACT_IF_EXISTS, "FIND_OR_CREATE_VERSION");
        config.put(SchemaResolverConfig.ARTIFACT_RESOLVER_STRATEGY, TopicIdStrategy.class.getName());
        config.put(SchemaResolverConfig.DEREFERENCE_SCHEMA, Boolean.TRUE);
        // Wire format: magic byte + 4-byte contentId in the payload, no headers, Avro binary.
        config.put(SerdeConfig.ID_HANDLER, Default4ByteIdHandler.class.getName());
        config.put(SerdeConfig.USE_ID, IdOption.contentId.name());
        config.put(KafkaSerdeConfig.ENABLE_HEADERS, Boolean.FALSE);
        config.put(AvroSerdeConfig.AVRO_ENCODING, AvroSerdeConfig.AVRO_ENCODING_BINARY);
        // Consumer side: decode into the generated SpecificRecord classes, not GenericRecord.
        config.put(AvroSerdeConfig.AVRO_DATUM_PROVIDER, DefaultAvroDatumProvider.class.getName());
        config.put(AvroSerdeConfig.USE_SPECIFIC_AVRO_READER, Boolean.TRUE);
        return config;
    }

    /** The complete configuration handed to the Apicurio serializer and deserializer. */
    static Map<String, Object> config(String registryUrl, Map<String, ?> extraConfig) {
        Map<String, Object> config = defaultConfig(registryUrl);
        if (extraConfig != null) {
            extraConfig.forEach((key, value) -> {
                if (WIRE_FORMAT_KEYS.contains(key)) {
                    if (!sameSetting(config.get(key), value)) {
                        throw new IllegalArgumentException("RegistryAvroSerde fixes " + key + "=" + config.get(key)
                                + "; extraConfig may not set it to " + value);
                    }
                } else {
                    config.put(key, value);
                }
            });
        }
        return config;
    }

    private static boolean sameSetting(Object fixed, Object requested) {
        if (fixed == null) {
            return requested == null;
        }
        Object normalized = requested instanceof Class<?> c ? c.getName() : requested;
        return normalized != null && String.valueOf(fixed).trim().equalsIgnoreCase(String.valueOf(normalized).trim());
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // best effort
        }
    }

    /** Already configured; Kafka's configure calls are ignored. */
    private record ConfiguredSerde<T>(Serializer<T> serializer, Deserializer<T> deserializer) implements Serde<T> {

        @Override
        public void configure(Map<String, ?> configs, boolean isKey) {
            // configured by RegistryAvroSerde.create
        }

        @Override
        public void close() {
            try {
                serializer.close();
            } finally {
                deserializer.close();
            }
        }
    }

    /**
     * Kafka-style failure: a {@link SerializationException} naming the type and topic and, when the registry
     * answered with an error, its status and title (Apicurio's own exception only says "ProblemDetails").
     */
    private static SerializationException failure(String what, RuntimeException e) {
        if (e instanceof SerializationException serializationException) {
            return serializationException;
        }
        return new SerializationException(what + ": " + describe(e), e);
    }

    private static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProblemDetails problem) {
                return "registry answered " + problem.getStatus() + " " + problem.getName() + ": " + problem.getTitle();
            }
        }
        return String.valueOf(e);
    }

    private record TypedSerializer<T>(Class<T> type, Serializer<T> delegate) implements Serializer<T> {

        @Override
        public void configure(Map<String, ?> configs, boolean isKey) {
            // configured by RegistryAvroSerde.create
        }

        @Override
        public byte[] serialize(String topic, T data) {
            try {
                return delegate.serialize(topic, data);
            } catch (RuntimeException e) {
                throw failure("Cannot serialize " + type.getSimpleName() + " for topic " + topic, e);
            }
        }

        @Override
        public byte[] serialize(String topic, Headers headers, T data) {
            try {
                return delegate.serialize(topic, headers, data);
            } catch (RuntimeException e) {
                throw failure("Cannot serialize " + type.getSimpleName() + " for topic " + topic, e);
            }
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    private record TypedDeserializer<T>(Class<T> type, Deserializer<?> delegate) implements Deserializer<T> {

        @Override
        public void configure(Map<String, ?> configs, boolean isKey) {
            // configured by RegistryAvroSerde.create
        }

        @Override
        public T deserialize(String topic, byte[] data) {
            Object value;
            try {
                value = delegate.deserialize(topic, data);
            } catch (RuntimeException e) {
                throw failure(cannotDeserialize(topic, data), e);
            }
            return checked(topic, value);
        }

        @Override
        public T deserialize(String topic, Headers headers, byte[] data) {
            Object value;
            try {
                value = delegate.deserialize(topic, headers, data);
            } catch (RuntimeException e) {
                throw failure(cannotDeserialize(topic, data), e);
            }
            return checked(topic, value);
        }

        private String cannotDeserialize(String topic, byte[] data) {
            return "Cannot deserialize " + type.getSimpleName() + " from topic " + topic
                    + " (" + data.length + " bytes)";
        }

        private T checked(String topic, Object value) {
            if (value == null || type.isInstance(value)) {
                return type.cast(value);
            }
            throw new SerializationException("Topic " + topic + ": expected " + type.getName()
                    + " but the record's writer schema decodes to " + value.getClass().getName());
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
