package dev.jwtagent.instrument;

/**
 * Reads a class file's constant pool without building anything: entries are skipped by their
 * sizes, and only UTF-8 entries at least as long as the text sought are compared. A few hundred
 * steps per class where a search of every byte of the file takes thousands, for the classes a
 * rule must look into (every class of a loader that has the servlet API).
 */
final class ConstantPool {
    private static final int MAGIC = 0xCAFEBABE;
    private static final int FIRST_ENTRY = 10;

    private ConstantPool() {
    }

    /**
     * Whether a UTF-8 constant starts with {@code prefix}, such as the start of a method
     * descriptor that a class declaring or calling such a method must have. True also when the
     * class file cannot be read this way (an unknown entry): the caller's other checks then decide.
     */
    static boolean hasUtf8StartingWith(byte[] classFile, byte[] prefix) {
        try {
            if (readInt(classFile, 0) != MAGIC) {
                return true;
            }
            int count = readUnsignedShort(classFile, 8);
            int offset = FIRST_ENTRY;
            for (int index = 1; index < count; index++) {
                int tag = classFile[offset];
                switch (tag) {
                    case 1: // Utf8
                        int length = readUnsignedShort(classFile, offset + 1);
                        if (length >= prefix.length && startsWith(classFile, offset + 3, prefix)) {
                            return true;
                        }
                        offset += 3 + length;
                        break;
                    case 3: case 4: // Integer, Float
                    case 9: case 10: case 11: case 12: // Fieldref, Methodref, InterfaceMethodref, NameAndType
                    case 17: case 18: // Dynamic, InvokeDynamic
                        offset += 5;
                        break;
                    case 5: case 6: // Long, Double: two entries
                        offset += 9;
                        index++;
                        break;
                    case 7: case 8: case 16: case 19: case 20: // Class, String, MethodType, Module, Package
                        offset += 3;
                        break;
                    case 15: // MethodHandle
                        offset += 4;
                        break;
                    default:
                        return true;
                }
            }
            return false;
        } catch (ArrayIndexOutOfBoundsException e) {
            return true;
        }
    }

    private static boolean startsWith(byte[] data, int offset, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (data[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int readUnsignedShort(byte[] data, int offset) {
        return (data[offset] & 0xFF) << 8 | data[offset + 1] & 0xFF;
    }

    private static int readInt(byte[] data, int offset) {
        return (data[offset] & 0xFF) << 24 | (data[offset + 1] & 0xFF) << 16 | (data[offset + 2] & 0xFF) << 8 | data[offset + 3] & 0xFF;
    }
}
