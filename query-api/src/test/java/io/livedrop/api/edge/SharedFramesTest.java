package io.livedrop.api.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A shared frame is byte for byte what Netty's server-side frame encoder writes, and is shared only when it may be. */
class SharedFramesTest {

    private static final byte[] SUFFIX = {'}'};

    @Test
    void encodesExactlyAsTheFrameEncoderAtEveryLengthBoundary() {
        byte[] prefix = "{\"id\":\"1\",\"type\":\"next\",\"payload\":".getBytes(StandardCharsets.UTF_8);
        int fixed = prefix.length + SUFFIX.length;
        for (int length : new int[] {125, 126, 0xFFFF, 0x10000}) {
            byte[] json = new byte[length - fixed];
            Arrays.fill(json, (byte) 'x');
            ByteBuf ours = SharedFrames.encode(ByteBufAllocator.DEFAULT, prefix, json, SUFFIX);
            try {
                assertThat(ByteBufUtil.getBytes(ours)).as("length %d", length).isEqualTo(encodedByNetty(prefix, json));
            } finally {
                ours.release();
            }
        }
    }

    @Test
    void sharesTheFrameOnlyForTheSamePayloadAndId() {
        byte[] json = "{\"data\":{\"dropStarted\":{}}}".getBytes(StandardCharsets.UTF_8);
        byte[] one = "{\"id\":\"1\",\"type\":\"next\",\"payload\":".getBytes(StandardCharsets.UTF_8);
        byte[] two = "{\"id\":\"2\",\"type\":\"next\",\"payload\":".getBytes(StandardCharsets.UTF_8);
        ByteBuf first = SharedFrames.frame(ByteBufAllocator.DEFAULT, one, json, SUFFIX);
        ByteBuf same = SharedFrames.frame(ByteBufAllocator.DEFAULT, one.clone(), json, SUFFIX);
        ByteBuf other = SharedFrames.frame(ByteBufAllocator.DEFAULT, two, json, SUFFIX);
        try {
            assertThat(same.unwrap()).isSameAs(first.unwrap());
            assertThat(ByteBufUtil.getBytes(first)).isEqualTo(encodedByNetty(one, json));
            assertThat(ByteBufUtil.getBytes(same)).isEqualTo(encodedByNetty(one, json));
            assertThat(ByteBufUtil.getBytes(other)).isEqualTo(encodedByNetty(two, json));
        } finally {
            first.release();
            same.release();
            other.release();
        }
        // the loop's last frame went with the one it replaced: only the caller's references held the first
        assertThat(first.unwrap().refCnt()).isZero();
    }

    private static byte[] encodedByNetty(byte[] prefix, byte[] json) {
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
        channel.writeOutbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(prefix, json, SUFFIX)));
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf part; (part = channel.readOutbound()) != null; ) {
            all.writeBytes(part);
            part.release();
        }
        channel.finishAndReleaseAll();
        return ByteBufUtil.getBytes(all);
    }
}
