package example.jwtagent.it;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.hpack.HpackDecoder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;

/** {@link RawH2}'s header blocks decoded with Jetty's HPACK decoder, for this module, which has no Netty. */
final class JettyHeaderBlocks implements RawH2.HeaderBlocks {
    private final HpackDecoder decoder = new HpackDecoder(65536, System::nanoTime);

    @Override
    public void decode(RawH2.Answer answer, byte[] block, int stream) throws IOException {
        try {
            MetaData metaData = decoder.decode(ByteBuffer.wrap(block));
            if (metaData instanceof MetaData.Response && answer.status == null) {
                answer.status = String.valueOf(((MetaData.Response) metaData).getStatus());
            }
            for (HttpField field : metaData.getHttpFields()) {
                answer.headers.add(Map.entry(field.getName(), field.getValue()));
            }
        } catch (Exception e) {
            throw new IOException(e);
        }
    }
}
