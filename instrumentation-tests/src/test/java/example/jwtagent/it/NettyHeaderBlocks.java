package example.jwtagent.it;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Headers;

import java.io.IOException;
import java.util.Map;

/** {@link RawH2}'s header blocks decoded with Netty's HPACK decoder. */
final class NettyHeaderBlocks implements RawH2.HeaderBlocks {
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);

    @Override
    public void decode(RawH2.Answer answer, byte[] block, int stream) throws IOException {
        try {
            Http2Headers headers = decoder.decodeHeaders(stream, Unpooled.wrappedBuffer(block));
            for (Map.Entry<CharSequence, CharSequence> e : headers) {
                if (":status".contentEquals(e.getKey())) {
                    if (answer.status == null) {
                        answer.status = e.getValue().toString();
                    }
                } else {
                    answer.headers.add(Map.entry(e.getKey(), e.getValue()));
                }
            }
        } catch (Exception e) {
            throw new IOException(e);
        }
    }
}
