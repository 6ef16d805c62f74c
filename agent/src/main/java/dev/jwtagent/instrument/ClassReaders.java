package dev.jwtagent.instrument;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * Opens a class file for the ASM weavers. ASM reads every class file whose major version it knows
 * directly; only a newer one goes to Byte Buddy's reader, which decides whether to read it anyway
 * (its experimental setting) or refuses. Going to Byte Buddy's reader first would load and
 * initialise its class file version table while the service starts, for every class the agent
 * weaves then.
 */
final class ClassReaders {
    /** The ASM API the weavers' visitors are written against: a constant, where Byte Buddy's is read as it initialises. */
    static final int API = Opcodes.ASM9;

    private ClassReaders() {
    }

    static ClassReader open(byte[] classFile) {
        try {
            return new ClassReader(classFile);
        } catch (IllegalArgumentException newerThanAsm) {
            return OpenedClassReader.of(classFile);
        }
    }
}
