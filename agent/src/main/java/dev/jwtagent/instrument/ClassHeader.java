package dev.jwtagent.instrument;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.Opcodes;

/** A class's name, flags and direct super types: all that type matching reads from a class file. */
final class ClassHeader {
    private final String name;
    private final int access;
    private final String superName;
    private final String[] interfaces;

    ClassHeader(String name, int access, String superName, String[] interfaces) {
        this.name = name;
        this.access = access;
        this.superName = superName;
        this.interfaces = interfaces;
    }

    /** Reads the header of a class file; ASM's reader parses only the constant pool offsets for this. */
    static ClassHeader read(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        String superName = reader.getSuperName();
        String[] interfaces = reader.getInterfaces();
        for (int i = 0; i < interfaces.length; i++) {
            interfaces[i] = interfaces[i].replace('/', '.');
        }
        return new ClassHeader(reader.getClassName().replace('/', '.'), reader.getAccess(),
                superName == null ? null : superName.replace('/', '.'), interfaces);
    }

    String name() {
        return name;
    }

    String superName() {
        return superName;
    }

    String[] interfaces() {
        return interfaces;
    }

    boolean isInterface() {
        return (access & Opcodes.ACC_INTERFACE) != 0;
    }

    boolean isSynthetic() {
        return (access & Opcodes.ACC_SYNTHETIC) != 0;
    }
}
