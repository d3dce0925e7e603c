package io.livedrop.schemas.serde;

import io.livedrop.schemas.EventTypes;
import io.livedrop.schemas.ReleasedSchemas;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * The one serde factory for livedrop's event types. It chooses the wire format by configuration:
 * <ul>
 *   <li>a schema registry URL set: the Apicurio Registry serdes, which register and look up schemas
 *       in the registry and write the Confluent wire format (magic byte 0, 4-byte schema id);</li>
 *   <li>none set (the local default and the tests): Avro single-object encoding with the
 *       compiled-in schemas and every released version, see {@link SingleObjectAvroSerde}.</li>
 * </ul>
 * Serdes are built once per type and shared; both kinds are thread-safe.
 */
public final class AvroSerdes {

    private final String registryUrl;
    private final Map<String, ?> registryProperties;
    private final ReleasedSchemas released;
    private final Map<Class<?>, Serde<?>> valueSerdes = new ConcurrentHashMap<>();

    private AvroSerdes(String registryUrl, Map<String, ?> registryProperties) {
        this.registryUrl = registryUrl == null || registryUrl.isBlank() ? null : registryUrl.strip();
        this.registryProperties = Map.copyOf(registryProperties);
        this.released = ReleasedSchemas.load();
        AvroTrust.trustEventPackage();
    }

    /** Registry-free single-object encoding: the local default. */
    public static AvroSerdes singleObject() {
        return new AvroSerdes(null, Map.of());
    }

    /**
     * Chooses by configuration: a non-blank {@code registryUrl} selects the registry serdes, with
     * {@code registryProperties} passed through to them (auth, caching, ...).
     */
    public static AvroSerdes create(String registryUrl, Map<String, ?> registryProperties) {
        return new AvroSerdes(registryUrl, Objects.requireNonNull(registryProperties));
    }

    public boolean usesRegistry() {
        return registryUrl != null;
    }

    /** The value serde of an event type, built once. */
    @SuppressWarnings("unchecked")
    public <T extends SpecificRecord> Serde<T> valueSerde(Class<T> type) {
        return (Serde<T>) valueSerdes.computeIfAbsent(type, t -> build(type, false));
    }

    private <T extends SpecificRecord> Serde<T> build(Class<T> type, boolean isKey) {
        if (!EventTypes.ALL.contains(type)) {
            throw new IllegalArgumentException(type.getName() + " is not a livedrop event type; add it to EventTypes.ALL");
        }
        return usesRegistry()
                ? RegistryAvroSerde.create(type, registryUrl, registryProperties, isKey)
                : new SingleObjectAvroSerde<>(type, released);
    }
}
