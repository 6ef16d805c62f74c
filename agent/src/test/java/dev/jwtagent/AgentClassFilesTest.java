package dev.jwtagent;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's own class files call nothing through {@code invokedynamic}: no lambda, no method
 * reference, no string concatenation bootstrapped at run time. The JVM generates a class for each
 * such call site the first time it runs, 1 to 3 ms apiece while the service is starting, in
 * premain, in the transformer that sees every class, and on the first request.
 */
class AgentClassFilesTest {
    private static final int INVOKE_DYNAMIC = 18;

    @Test
    void noAgentClassUsesInvokedynamic() throws IOException, URISyntaxException {
        Path classes = Paths.get(AgentInstaller.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path own = classes.resolve("dev/jwtagent");
        List<String> offenders = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> files = Files.walk(own)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (!file.toString().endsWith(".class") || file.startsWith(own.resolve("shaded"))) {
                    continue;
                }
                checked++;
                try (InputStream in = Files.newInputStream(file)) {
                    if (hasInvokeDynamicConstant(new DataInputStream(in))) {
                        offenders.add(own.relativize(file).toString());
                    }
                }
            }
        }
        assertTrue(checked > 100, "the agent's class files were found: " + checked);
        assertEquals(List.of(), offenders, "use a small named class instead of a lambda or method reference");
    }

    @Test
    void theCheckFindsALambda() throws IOException {
        try (InputStream in = AgentClassFilesTest.class.getResourceAsStream("AgentClassFilesTest.class")) {
            // This test class itself uses a method reference above.
            assertTrue(hasInvokeDynamicConstant(new DataInputStream(in)));
        }
    }

    /** Walks the constant pool (JVMS 4.4) for an InvokeDynamic entry. */
    private static boolean hasInvokeDynamicConstant(DataInputStream in) throws IOException {
        assertEquals(0xCAFEBABE, in.readInt());
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        for (int index = 1; index < count; index++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1:
                    in.skipBytes(in.readUnsignedShort());
                    break;
                case 7: case 8: case 16: case 19: case 20:
                    in.skipBytes(2);
                    break;
                case 15:
                    in.skipBytes(3);
                    break;
                case 3: case 4: case 9: case 10: case 11: case 12: case 17:
                    in.skipBytes(4);
                    break;
                case INVOKE_DYNAMIC:
                    return true;
                case 5: case 6:
                    in.skipBytes(8);
                    index++;
                    break;
                default:
                    throw new IOException("unknown constant pool tag " + tag);
            }
        }
        return false;
    }
}
