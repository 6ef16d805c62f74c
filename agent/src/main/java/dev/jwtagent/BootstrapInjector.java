package dev.jwtagent;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarFile;

/**
 * Puts the classes of {@code dev.jwtagent.bootstrap} on the bootstrap class path, so that advice
 * inlined into any class (JDK, container, webapp) finds one shared carrier and bridge. Runs before
 * anything touches those classes; uses nothing but the JDK. The build packs those classes into a
 * jar inside the agent jar; it is copied to a private temporary file (random name, owner-only).
 */
final class BootstrapInjector {
    static final String BOOTSTRAP_JAR = "/META-INF/jwt-agent/jwt-agent-bootstrap.jar";

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
        try (InputStream packed = BootstrapInjector.class.getResourceAsStream(BOOTSTRAP_JAR)) {
            if (packed == null) {
                throw new IOException("the agent jar lacks " + BOOTSTRAP_JAR);
            }
            Files.copy(packed, bootstrapJar, StandardCopyOption.REPLACE_EXISTING);
        }
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(bootstrapJar.toFile()));
    }
}
