package io.livedrop.connect;

import io.livedrop.schemas.EventTypes;
import io.livedrop.schemas.ReleasedSchemas;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema.Field;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.storage.Converter;

/**
 * A Kafka Connect {@link Converter} for livedrop's registry-free wire format: Avro single-object
 * encoding ({@code C3 01}, the 8-byte little-endian CRC-64-AVRO fingerprint of the writer schema,
 * then the binary datum), the format {@code AvroSerdes.singleObject()} writes and reads
 * (docs/adr/0002-avro-wire-format.md). No standard converter reads it.
 *
 * <ul>
 *   <li><b>Reading</b> ({@link #toConnectData}): the writer schema is found by fingerprint among the
 *       compiled-in schema and every released version of every livedrop event type; the datum is
 *       resolved to the current schema and returned as a {@link Struct} whose schema is named by the
 *       Avro full name ({@code io.livedrop.events.order.OrderDecision}). timestamp-millis become
 *       Connect {@link Timestamp}s, date becomes {@link Date}, enums become strings, {@code ["null", T]}
 *       unions become optional fields. No configuration is needed.</li>
 *   <li><b>Writing</b> ({@link #fromConnectData}): the target type is the livedrop event type named by
 *       the record's Connect schema name (set it with the {@code SetSchemaMetadata} SMT), or, when that
 *       name is not a livedrop type, the type given by {@value #TYPE_CONFIG}. Fields are matched by
 *       name; a field the record lacks takes its Avro default, or fails the record when it has none.
 *       Timestamps may arrive as Connect {@link Timestamp}s or as epoch milliseconds. The bytes are
 *       exactly what the application's serializer writes for the same record.</li>
 * </ul>
 * A null value (a tombstone) converts to null both ways. The converter is thread-safe after
 * {@link #configure}.
 */
public final class SingleObjectAvroConverter implements Converter {

    /** Optional: the full Avro name of the type to write when the Connect schema name names none. */
    public static final String TYPE_CONFIG = "type";

    private static final byte MAGIC_0 = (byte) 0xC3;
    private static final byte MAGIC_1 = (byte) 0x01;
    private static final int HEADER_LENGTH = 10;

    private static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(TYPE_CONFIG, ConfigDef.Type.STRING, "", ConfigDef.Importance.MEDIUM,
                    "Full Avro name of the livedrop event type to write when the record's Connect schema name is not "
                            + "one (e.g. io.livedrop.events.catalog.Creator). Empty: the schema name must name the type.");

    /** Current (compiled-in) schema of every event type, by full name. */
    private final Map<String, org.apache.avro.Schema> current = new LinkedHashMap<>();
    /** Fingerprint of every known writer schema (current and released) -> the full name of its type. */
    private final Map<Long, String> typeByFingerprint = new HashMap<>();
    private final Map<String, BinaryMessageEncoder<GenericRecord>> encoders = new HashMap<>();
    private final Map<String, BinaryMessageDecoder<GenericRecord>> decoders = new HashMap<>();
    private final Map<org.apache.avro.Schema, Schema> connectSchemas = new IdentityHashMap<>();
    private String fallbackType;

    public SingleObjectAvroConverter() {
        ReleasedSchemas released = ReleasedSchemas.load();
        for (Class<?> type : EventTypes.ALL) {
            @SuppressWarnings("unchecked")
            org.apache.avro.Schema schema = EventTypes.schemaOf((Class<? extends org.apache.avro.specific.SpecificRecord>) type);
            String name = schema.getFullName();
            current.put(name, schema);
            SchemaStore.Cache store = new SchemaStore.Cache();
            typeByFingerprint.put(SchemaNormalization.parsingFingerprint64(schema), name);
            for (ReleasedSchemas.Version version : released.versions(name)) {
                store.addSchema(version.schema());
                typeByFingerprint.put(SchemaNormalization.parsingFingerprint64(version.schema()), name);
            }
            encoders.put(name, new BinaryMessageEncoder<>(GenericData.get(), schema));
            decoders.put(name, new BinaryMessageDecoder<>(GenericData.get(), schema, store));
            connectSchemas.put(schema, toConnectSchema(schema, false));
        }
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Object type = configs.get(TYPE_CONFIG);
        String name = type == null ? "" : type.toString().strip();
        if (!name.isEmpty() && !current.containsKey(name)) {
            throw new org.apache.kafka.common.config.ConfigException(TYPE_CONFIG, name,
                    "not a livedrop event type; known: " + current.keySet());
        }
        this.fallbackType = name.isEmpty() ? null : name;
    }

    /** The livedrop event types this converter knows, by full Avro name. */
    public Collection<String> knownTypes() {
        return current.keySet();
    }

    // ------------------------------------------------------------------ Connect -> bytes

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        String typeName = schema != null && schema.name() != null && current.containsKey(schema.name())
                ? schema.name() : fallbackType;
        if (typeName == null) {
            throw new DataException("Topic " + topic + ": the record's schema name '" + (schema == null ? null : schema.name())
                    + "' is not a livedrop event type and '" + TYPE_CONFIG + "' is not set; name the type with the "
                    + "SetSchemaMetadata SMT or set value.converter." + TYPE_CONFIG);
        }
        org.apache.avro.Schema avro = current.get(typeName);
        Object datum = toAvro(avro, value, typeName);
        try {
            ByteBuffer buffer = encoders.get(typeName).encode((GenericRecord) datum);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException | RuntimeException e) {
            throw new DataException("Topic " + topic + ": cannot encode " + typeName + ": " + e.getMessage(), e);
        }
    }

    private Object toAvro(org.apache.avro.Schema schema, Object value, String path) {
        if (schema.getType() == org.apache.avro.Schema.Type.UNION) {
            if (value == null) {
                if (schema.getTypes().stream().anyMatch(t -> t.getType() == org.apache.avro.Schema.Type.NULL)) {
                    return null;
                }
                throw new DataException(path + ": null for a non-nullable union");
            }
            org.apache.avro.Schema branch = nonNullBranch(schema, path);
            return toAvro(branch, value, path);
        }
        if (value == null) {
            if (schema.getType() == org.apache.avro.Schema.Type.NULL) {
                return null;
            }
            throw new DataException(path + ": null for required " + schema.getType().getName());
        }
        LogicalType logical = schema.getLogicalType();
        switch (schema.getType()) {
            case RECORD -> {
                GenericData.Record record = new GenericData.Record(schema);
                for (Field field : schema.getFields()) {
                    String fieldPath = path + "." + field.name();
                    boolean present;
                    Object fieldValue;
                    if (value instanceof Struct struct) {
                        present = struct.schema().field(field.name()) != null;
                        fieldValue = present ? struct.get(field.name()) : null;
                    } else if (value instanceof Map<?, ?> map) {
                        present = map.containsKey(field.name());
                        fieldValue = map.get(field.name());
                    } else {
                        throw new DataException(path + ": expected a Struct or Map for record " + schema.getFullName()
                                + " but got " + value.getClass().getName());
                    }
                    if (!present) {
                        if (!field.hasDefaultValue()) {
                            throw new DataException(fieldPath + ": the record has no field '" + field.name()
                                    + "' and the Avro schema gives it no default");
                        }
                        record.put(field.pos(), GenericData.get().getDefaultValue(field));
                    } else {
                        record.put(field.pos(), toAvro(field.schema(), fieldValue, fieldPath));
                    }
                }
                return record;
            }
            case STRING -> {
                return value.toString();
            }
            case ENUM -> {
                String symbol = value.toString();
                if (!schema.hasEnumSymbol(symbol)) {
                    if (schema.getEnumDefault() == null) {
                        throw new DataException(path + ": '" + symbol + "' is not a symbol of " + schema.getFullName());
                    }
                    symbol = schema.getEnumDefault();
                }
                return new GenericData.EnumSymbol(schema, symbol);
            }
            case INT -> {
                if (logical instanceof LogicalTypes.Date && value instanceof java.util.Date date) {
                    return Math.toIntExact(Math.floorDiv(date.getTime(), 86_400_000L));
                }
                long n = number(value, path).longValue();
                if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
                    throw new DataException(path + ": " + n + " does not fit an int");
                }
                return (int) n;
            }
            case LONG -> {
                if (value instanceof java.util.Date date) {
                    if (logical instanceof LogicalTypes.TimestampMicros) {
                        return Math.multiplyExact(date.getTime(), 1000L);
                    }
                    return date.getTime();
                }
                return number(value, path).longValue();
            }
            case FLOAT -> {
                return number(value, path).floatValue();
            }
            case DOUBLE -> {
                return number(value, path).doubleValue();
            }
            case BOOLEAN -> {
                if (value instanceof Boolean b) {
                    return b;
                }
                throw new DataException(path + ": expected a boolean but got " + value.getClass().getName());
            }
            case BYTES -> {
                if (value instanceof byte[] bytes) {
                    return ByteBuffer.wrap(bytes);
                }
                if (value instanceof ByteBuffer buffer) {
                    return buffer;
                }
                throw new DataException(path + ": expected bytes but got " + value.getClass().getName());
            }
            case FIXED -> {
                byte[] bytes = value instanceof ByteBuffer buffer ? toArray(buffer) : (byte[]) value;
                return new GenericData.Fixed(schema, bytes);
            }
            case ARRAY -> {
                if (!(value instanceof Collection<?> items)) {
                    throw new DataException(path + ": expected an array but got " + value.getClass().getName());
                }
                List<Object> out = new ArrayList<>(items.size());
                int i = 0;
                for (Object item : items) {
                    out.add(toAvro(schema.getElementType(), item, path + "[" + i++ + "]"));
                }
                return new GenericData.Array<>(schema, out);
            }
            case MAP -> {
                if (!(value instanceof Map<?, ?> entries)) {
                    throw new DataException(path + ": expected a map but got " + value.getClass().getName());
                }
                Map<String, Object> out = new LinkedHashMap<>();
                entries.forEach((k, v) -> out.put(String.valueOf(k), toAvro(schema.getValueType(), v, path + "[" + k + "]")));
                return out;
            }
            default -> throw new DataException(path + ": unsupported Avro type " + schema.getType());
        }
    }

    private static Number number(Object value, String path) {
        if (value instanceof Number n) {
            return n;
        }
        throw new DataException(path + ": expected a number but got " + value.getClass().getName());
    }

    private static byte[] toArray(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    // ------------------------------------------------------------------ bytes -> Connect

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        if (value == null) {
            return SchemaAndValue.NULL;
        }
        if (value.length < HEADER_LENGTH || value[0] != MAGIC_0 || value[1] != MAGIC_1) {
            throw new DataException("Topic " + topic + ": not Avro single-object encoding (" + value.length
                    + " bytes, expected the C3 01 header)");
        }
        long fingerprint = ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String typeName = typeByFingerprint.get(fingerprint);
        if (typeName == null) {
            throw new DataException("Topic " + topic + ": unknown writer schema fingerprint "
                    + Long.toHexString(fingerprint) + " (a newer schema than this converter knows?)");
        }
        GenericRecord record;
        try {
            record = decoders.get(typeName).decode(value);
        } catch (IOException | RuntimeException e) {
            throw new DataException("Topic " + topic + ": cannot decode " + typeName + " (" + value.length
                    + " bytes): " + e.getMessage(), e);
        }
        org.apache.avro.Schema avro = current.get(typeName);
        Schema schema = connectSchemas.get(avro);
        return new SchemaAndValue(schema, toConnect(avro, schema, record));
    }

    /** The Connect schema of a livedrop event type (named by its full Avro name). */
    public Schema connectSchema(String fullName) {
        org.apache.avro.Schema avro = current.get(fullName);
        if (avro == null) {
            throw new IllegalArgumentException(fullName + " is not a livedrop event type");
        }
        return connectSchemas.get(avro);
    }

    private static org.apache.avro.Schema nonNullBranch(org.apache.avro.Schema union, String path) {
        List<org.apache.avro.Schema> branches = union.getTypes().stream()
                .filter(t -> t.getType() != org.apache.avro.Schema.Type.NULL).toList();
        if (branches.size() != 1) {
            throw new DataException(path + ": only [\"null\", T] unions are supported, not " + union);
        }
        return branches.get(0);
    }

    private static Schema toConnectSchema(org.apache.avro.Schema avro, boolean optional) {
        SchemaBuilder builder;
        LogicalType logical = avro.getLogicalType();
        switch (avro.getType()) {
            case UNION -> {
                boolean nullable = avro.getTypes().stream().anyMatch(t -> t.getType() == org.apache.avro.Schema.Type.NULL);
                return toConnectSchema(nonNullBranch(avro, avro.toString()), optional || nullable);
            }
            case RECORD -> {
                builder = SchemaBuilder.struct().name(avro.getFullName());
                if (avro.getDoc() != null) {
                    builder.doc(avro.getDoc());
                }
                for (Field field : avro.getFields()) {
                    builder.field(field.name(), toConnectSchema(field.schema(), false));
                }
            }
            case STRING -> builder = SchemaBuilder.string();
            case ENUM -> builder = SchemaBuilder.string()
                    .parameter("io.livedrop.avro.enum", avro.getFullName())
                    .parameter("io.livedrop.avro.enum.symbols", String.join(",", avro.getEnumSymbols()));
            case INT -> builder = logical instanceof LogicalTypes.Date ? Date.builder() : SchemaBuilder.int32();
            case LONG -> builder = logical instanceof LogicalTypes.TimestampMillis ? Timestamp.builder() : SchemaBuilder.int64();
            case FLOAT -> builder = SchemaBuilder.float32();
            case DOUBLE -> builder = SchemaBuilder.float64();
            case BOOLEAN -> builder = SchemaBuilder.bool();
            case BYTES, FIXED -> builder = SchemaBuilder.bytes();
            case ARRAY -> builder = SchemaBuilder.array(toConnectSchema(avro.getElementType(), false));
            case MAP -> builder = SchemaBuilder.map(Schema.STRING_SCHEMA, toConnectSchema(avro.getValueType(), false));
            default -> throw new IllegalArgumentException("Unsupported Avro type " + avro.getType() + " in " + avro);
        }
        if (optional) {
            builder.optional();
        }
        return builder.build();
    }

    private static Object toConnect(org.apache.avro.Schema avro, Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        if (avro.getType() == org.apache.avro.Schema.Type.UNION) {
            return toConnect(nonNullBranch(avro, avro.toString()), schema, value);
        }
        LogicalType logical = avro.getLogicalType();
        return switch (avro.getType()) {
            case RECORD -> {
                GenericRecord record = (GenericRecord) value;
                Struct struct = new Struct(schema);
                for (Field field : avro.getFields()) {
                    struct.put(field.name(), toConnect(field.schema(), schema.field(field.name()).schema(), record.get(field.pos())));
                }
                yield struct;
            }
            case STRING, ENUM -> value.toString();
            case INT -> logical instanceof LogicalTypes.Date
                    ? new java.util.Date(((Integer) value) * 86_400_000L) : value;
            case LONG -> logical instanceof LogicalTypes.TimestampMillis ? new java.util.Date((Long) value) : value;
            case BYTES -> toArray((ByteBuffer) value);
            case FIXED -> ((GenericData.Fixed) value).bytes().clone();
            case ARRAY -> {
                List<Object> out = new ArrayList<>();
                for (Object item : (Collection<?>) value) {
                    out.add(toConnect(avro.getElementType(), schema.valueSchema(), item));
                }
                yield out;
            }
            case MAP -> {
                Map<String, Object> out = new LinkedHashMap<>();
                ((Map<?, ?>) value).forEach((k, v) -> out.put(k.toString(), toConnect(avro.getValueType(), schema.valueSchema(), v)));
                yield out;
            }
            default -> value;
        };
    }

    @Override
    public String toString() {
        return "SingleObjectAvroConverter" + (fallbackType == null ? "" : "(" + Objects.toString(fallbackType) + ")");
    }
}
