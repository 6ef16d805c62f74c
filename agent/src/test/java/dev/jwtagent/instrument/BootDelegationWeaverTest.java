package dev.jwtagent.instrument;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A loader that finds nothing, woven to delegate one package ({@code java.util} here, the agent's
 * hooks package in the agent) to the bootstrap loader: the woven class passes the JVM's verifier,
 * that package's classes come from the bootstrap loader, and every other name goes as before.
 */
class BootDelegationWeaverTest {
    /** Refuses every name. */
    public static final class RefusingLoader extends ClassLoader {
        public RefusingLoader() {
            super(null);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            throw new ClassNotFoundException(name + " refused");
        }
    }

    /** Refuses every name, from a loop that starts the method: its first instruction has a stack map frame of its own. */
    public static final class LoopingLoader extends ClassLoader {
        public LoopingLoader() {
            super(null);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            int tries = 0;
            while (true) {
                if (++tries > 1 || name.isEmpty()) {
                    throw new ClassNotFoundException(name + " refused");
                }
            }
        }
    }

    /** Overrides only the one-argument form, which the JVM calls. */
    public static final class OneArgumentLoader extends ClassLoader {
        public OneArgumentLoader() {
            super(null);
        }

        @Override
        public Class<?> loadClass(String name) throws ClassNotFoundException {
            throw new ClassNotFoundException(name + " refused");
        }
    }

    private static final MethodMatch LOAD_CLASS = MethodMatch.named("loadClass").onlyArgument(String.class)
            .or(MethodMatch.named("loadClass").arguments(2).argument(0, String.class).argument(1, boolean.class));

    /** {@code type}'s class file woven, defined afresh in a loader of its own and made. */
    private static ClassLoader woven(Class<? extends ClassLoader> type) throws Exception {
        byte[] classFile;
        try (InputStream in = type.getResourceAsStream(type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class")) {
            classFile = in.readAllBytes();
        }
        byte[] rewritten = BootDelegationWeaver.weave(classFile, List.of(BootDelegation.of(LOAD_CLASS, "java.util")));
        ClassLoader defining = new ClassLoader(BootDelegationWeaverTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.equals(type.getName())) {
                    synchronized (getClassLoadingLock(name)) {
                        Class<?> done = findLoadedClass(name);
                        return done != null ? done : defineClass(name, rewritten, 0, rewritten.length);
                    }
                }
                return super.loadClass(name, resolve);
            }
        };
        return (ClassLoader) defining.loadClass(type.getName()).getDeclaredConstructor().newInstance();
    }

    @Test
    void thePackageComesFromTheBootstrapLoaderAndEverythingElseAsBefore() throws Exception {
        for (Class<? extends ClassLoader> type : List.of(RefusingLoader.class, LoopingLoader.class, OneArgumentLoader.class)) {
            ClassLoader loader = woven(type);
            assertSame(java.util.List.class, loader.loadClass("java.util.List"), type.getSimpleName());
            assertNull(loader.loadClass("java.util.List").getClassLoader());
            ClassNotFoundException refused = assertThrows(ClassNotFoundException.class, () -> loader.loadClass("java.util.concurrent.Nothing"),
                    "a name in the package the bootstrap loader does not have: " + type.getSimpleName());
            assertEquals("java/util/concurrent/Nothing", refused.getMessage(), "the bootstrap loader's answer");
            ClassNotFoundException own = assertThrows(ClassNotFoundException.class, () -> loader.loadClass("java.lang.String"));
            assertEquals("java.lang.String refused", own.getMessage(), "another package: the loader's own answer");
        }
    }

    @Test
    void aClassWithoutAMatchingMethodIsLeftAsItIs() throws IOException {
        byte[] classFile;
        try (InputStream in = BootDelegationWeaverTest.class.getResourceAsStream("BootDelegationWeaverTest.class")) {
            classFile = in.readAllBytes();
        }
        assertNull(BootDelegationWeaver.weave(classFile, List.of(BootDelegation.of(LOAD_CLASS, "java.util"))));
    }
}
