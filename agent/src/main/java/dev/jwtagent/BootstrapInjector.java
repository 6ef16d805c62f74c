package dev.jwtagent;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Puts the classes of {@code dev.jwtagent.bootstrap} on the bootstrap class path, so that advice
 * inlined into any class (JDK, container, webapp) finds one shared carrier and bridge. Runs before
 * anything touches those classes; uses nothing but the JDK.
 */
final class BootstrapInjector {
    static final String BOOTSTRAP_PREFIX = "dev/jwtagent/bootstrap/";

    private BootstrapInjector() {
    }

    static void inject(Instrumentation instrumentation) throws IOException, URISyntaxException {
        File agentJar = new File(BootstrapInjector.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!agentJar.isFile()) {
            // Running from a class directory (unit tests): the classes already share one loader.
            return;
        }
        Path bootstrapJar = Files.createTempFile("jwt-agent-bootstrap", ".jar");
        bootstrapJar.toFile().deleteOnExit();
        try (JarFile source = new JarFile(agentJar);
             OutputStream file = Files.newOutputStream(bootstrapJar);
             JarOutputStream target = new JarOutputStream(file)) {
            Enumeration<JarEntry> entries = source.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (entry.getName().startsWith(BOOTSTRAP_PREFIX) && entry.getName().endsWith(".class")) {
                    target.putNextEntry(new JarEntry(entry.getName()));
                    try (InputStream in = source.getInputStream(entry)) {
                        in.transferTo(target);
                    }
                    target.closeEntry();
                }
            }
        }
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(bootstrapJar.toFile()));
    }
}
