package io.livedrop.api.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.Arrays;

/**
 * The whole WebSocket text frame of a shared payload (header, {@code {"id":..,"type":"next","payload":}}, payload,
 * {@code }}), encoded once per I/O loop for consecutive recipients with the same operation id and written as a
 * duplicate of the same bytes: a broadcast costs one frame per loop, not a CompositeByteBuf, a frame encoder pass and
 * two copies per recipient (profiled: the encoder merged each composite into a fresh heap buffer before copying it
 * into a direct one). Server frames are not masked and the edge negotiates no extension, so these bytes are exactly
 * what {@code WebSocket08FrameEncoder} would write. Each loop keeps only its last frame (a few KiB, released when the
 * next one replaces it or the loop ends). Known gap: recipients whose ids differ alternate frames, one encode each.
 */
final class SharedFrames {

    private static final int FIN_TEXT = 0x81;

    private static final FastThreadLocal<SharedFrames> LAST = new FastThreadLocal<>() {
        @Override
        protected SharedFrames initialValue() {
            return new SharedFrames();
        }

        @Override
        protected void onRemoval(SharedFrames last) {
            last.replace(null, null, null);
        }
    };

    private byte[] json;
    private byte[] prefix;
    private ByteBuf frame;

    private SharedFrames() {
    }

    /** The frame of {@code prefix + json + suffix}, for this loop's caller to write (it owns one reference). */
    static ByteBuf frame(ByteBufAllocator alloc, byte[] prefix, byte[] json, byte[] suffix) {
        SharedFrames last = LAST.get();
        if (last.json != json || !Arrays.equals(last.prefix, prefix)) {
            last.replace(json, prefix, encode(alloc, prefix, json, suffix));
        }
        return last.frame.retainedDuplicate();
    }

    private void replace(byte[] json, byte[] prefix, ByteBuf frame) {
        if (this.frame != null) {
            this.frame.release();
        }
        this.json = json;
        this.prefix = prefix;
        this.frame = frame;
    }

    static ByteBuf encode(ByteBufAllocator alloc, byte[] prefix, byte[] json, byte[] suffix) {
        long length = (long) prefix.length + json.length + suffix.length;
        int header = length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10;
        ByteBuf frame = alloc.directBuffer((int) (header + length));
        frame.writeByte(FIN_TEXT);
        if (length <= 125) {
            frame.writeByte((int) length);
        } else if (length <= 0xFFFF) {
            frame.writeByte(126).writeShort((int) length);
        } else {
            frame.writeByte(127).writeLong(length);
        }
        return frame.writeBytes(prefix).writeBytes(json).writeBytes(suffix);
    }
}
