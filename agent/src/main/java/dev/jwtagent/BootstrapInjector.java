package dev.jwtagent;

import java.io.File;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.util.jar.JarFile;

/**
 * Puts the agent jar on the bootstrap class path, before anything links against the classes the
 * agent runs on. From then on every agent class resolves to the bootstrap loader: advice inlined
 * into any class (JDK, container, webapp) finds the one shared carrier and bridge in
 * {@code dev.jwtagent.bootstrap}, and the agent's own classes (Byte Buddy's included) are not put
 * through the bytecode verifier. The classes loaded before this ({@link JwtAgent}, this class, the
 * enabled check with the configuration classes and the instrumentation list it reads) stay with
 * the application class loader and exchange nothing but JDK types with their bootstrap copies.
 * Uses nothing but the JDK.
 */
final class BootstrapInjector {
    private BootstrapInjector() {
    }

    static void inject(Instrumentation instrumentation) throws IOException, URISyntaxException {
        if (BootstrapInjector.class.getClassLoader() == null) {
            // The jar is on the bootstrap class path already (also given with -Xbootclasspath/a, or added by
            // an earlier copy), and its classes there have no code source to name it by.
            return;
        }
        File agentJar = new File(BootstrapInjector.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!agentJar.isFile()) {
            // Running from a class directory (unit tests): the classes already share one loader.
            return;
        }
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(agentJar));
    }
}
