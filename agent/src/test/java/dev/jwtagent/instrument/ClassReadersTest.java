package dev.jwtagent.instrument;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.utility.OpenedClassReader;
import org.junit.jupiter.api.Test;

import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class ClassReadersTest {
    private static byte[] classFileOf(Class<?> type) throws Exception {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    private static byte[] withVersion(byte[] classFile, int major, int minor) {
        byte[] copy = classFile.clone();
        copy[4] = (byte) (minor >>> 8);
        copy[5] = (byte) minor;
        copy[6] = (byte) (major >>> 8);
        copy[7] = (byte) major;
        return copy;
    }

    @Test
    void aClassFileOfAKnownVersionIsReadByAsm() throws Exception {
        ClassReader reader = ClassReaders.open(classFileOf(ClassReadersTest.class));
        assertEquals("dev/jwtagent/instrument/ClassReadersTest", reader.getClassName());
    }

    @Test
    void aClassFileNewerThanAsmKnowsGoesToByteBuddysReaderWhichRefusesIt() throws Exception {
        assumeFalse(OpenedClassReader.EXPERIMENTAL, "Byte Buddy's experimental setting reads any version");
        byte[] future = withVersion(classFileOf(ClassReadersTest.class), 0x7F00, 0);
        assertThrows(IllegalArgumentException.class, () -> new ClassReader(future));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ClassReaders.open(future));
        // Byte Buddy's own refusal, which names its experimental setting; ASM's does not.
        assertTrue(refused.getMessage().contains("experimental"), refused.getMessage());
    }
}
