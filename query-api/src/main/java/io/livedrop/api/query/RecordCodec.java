package io.livedrop.api.query;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * How store values travel between instances on a routed read: Avro single-object encoding (the
 * schema fingerprint travels with each value, so instances of different versions fail loudly
 * instead of misreading), lists as a count and length-prefixed values.
 */
public final class RecordCodec<V extends SpecificRecordBase> {

    private final BinaryMessageDecoder<V> decoder;

    private RecordCodec(BinaryMessageDecoder<V> decoder) {
        this.decoder = decoder;
    }

    public static <V extends SpecificRecordBase> RecordCodec<V> of(BinaryMessageDecoder<V> decoder) {
        return new RecordCodec<>(decoder);
    }

    private static final Map<Schema, BinaryMessageEncoder<SpecificRecordBase>> ENCODERS = new ConcurrentHashMap<>();

    public static byte[] encode(Object value) {
        SpecificRecordBase record = (SpecificRecordBase) value;
        try {
            ByteBuffer buffer = ENCODERS.computeIfAbsent(record.getSchema(),
                    schema -> new BinaryMessageEncoder<>(SpecificData.getForSchema(schema), schema)).encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] encodeList(List<?> values) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(values.size());
            for (Object value : values) {
                byte[] encoded = encode(value);
                out.writeInt(encoded.length);
                out.write(encoded);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public V decode(byte[] bytes) {
        try {
            return decoder.decode(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("A peer sent a value this instance cannot read (version mismatch?)", e);
        }
    }

    public List<V> decodeList(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            int count = in.readInt();
            List<V> values = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte[] encoded = new byte[in.readInt()];
                in.readFully(encoded);
                values.add(decode(encoded));
            }
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException("A peer sent a malformed list", e);
        }
    }
}
