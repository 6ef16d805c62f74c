package dev.jwtagent.instrument;

import net.bytebuddy.jar.asm.ClassReader;

/**
 * Whether a class file declares a method that a {@link MethodMatch} accepts, read straight from
 * its method table: the constant pool is indexed once, fields and attributes are skipped by their
 * lengths, and only method names are decoded until one passes. A class that merely calls such a
 * method (a container's dispatcher calling {@code service}) does not declare it.
 */
final class DeclaredMethods {
    private DeclaredMethods() {
    }

    /** True also when the class file cannot be read this way: the caller's other checks then decide. */
    static boolean any(byte[] classFile, MethodMatch methods) {
        try {
            ClassReader reader = new ClassReader(classFile);
            char[] buffer = new char[reader.getMaxStringLength()];
            int offset = methodTable(reader);
            int methodCount = reader.readUnsignedShort(offset);
            offset += 2;
            for (int i = 0; i < methodCount; i++) {
                int access = reader.readUnsignedShort(offset);
                String name = reader.readUTF8(offset + 2, buffer);
                if (methods.mayMatchName(name) && methods.matches(access, name, reader.readUTF8(offset + 4, buffer))) {
                    return true;
                }
                offset = skipMember(reader, offset);
            }
            return false;
        } catch (RuntimeException e) {
            // A class file version ASM does not know, or a malformed one: not decided here.
            return true;
        }
    }

    /** The offset of {@code methods_count}: past the header, the interfaces and the fields. */
    static int methodTable(ClassReader reader) {
        // access_flags, this_class, super_class, then the interfaces
        int offset = reader.header + 6;
        offset += 2 + 2 * reader.readUnsignedShort(offset);
        int fields = reader.readUnsignedShort(offset);
        offset += 2;
        for (int i = 0; i < fields; i++) {
            offset = skipMember(reader, offset);
        }
        return offset;
    }

    /** The offset after a field_info or method_info that starts at {@code offset}. */
    static int skipMember(ClassReader reader, int offset) {
        int attributes = reader.readUnsignedShort(offset + 6);
        offset += 8;
        for (int i = 0; i < attributes; i++) {
            offset += 6 + reader.readInt(offset + 2);
        }
        return offset;
    }
}
