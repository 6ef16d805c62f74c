package dev.jwtagent.instrument;

import net.bytebuddy.jar.asm.ClassReader;
import org.junit.jupiter.api.Test;

import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClassReadersTest {
    private static byte[] classFileOf(Class<?> type) throws Exception {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    @Test
    void aClassFileOfAKnownVersionIsReadByAsm() throws Exception {
        ClassReader reader = ClassReaders.open(classFileOf(ClassReadersTest.class));
        assertEquals("dev/jwtagent/instrument/ClassReadersTest", reader.getClassName());
    }

    @Test
    void aClassFileNewerThanAsmKnowsGoesToByteBuddysReaderWhichRefusesIt() throws Exception {
        byte[] classFile = classFileOf(ClassReadersTest.class);
        classFile[6] = (byte) 0x7F; // major version 0x7F00: far beyond any JDK
        IllegalArgumentException asm = assertThrows(IllegalArgumentException.class, () -> new ClassReader(classFile));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ClassReaders.open(classFile));
        // Byte Buddy's own refusal (it names its experimental setting), not ASM's.
        assertNotEquals(asm.getMessage(), refused.getMessage(), refused.getMessage());
    }
}
