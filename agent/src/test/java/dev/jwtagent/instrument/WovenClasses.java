package dev.jwtagent.instrument;

import java.io.IOException;
import java.io.InputStream;

/** Test support for the weavers: a class's own class file, and a woven copy defined (and so verified) by the JVM. */
final class WovenClasses {
    private WovenClasses() {
    }

    static byte[] classFile(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    /** Defines {@code classFile} as {@code name} in a new loader; the JVM verifies it, as any class outside the boot loader. */
    static Class<?> define(String name, byte[] classFile) {
        return new OneClassLoader().define(name, classFile);
    }

    private static final class OneClassLoader extends ClassLoader {
        OneClassLoader() {
            super(WovenClasses.class.getClassLoader());
        }

        Class<?> define(String name, byte[] classFile) {
            return defineClass(name, classFile, 0, classFile.length);
        }
    }
}
