package example.jwtagent.it;

import jakarta.servlet.Filter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A class whose loader does not hand the agent's packages to the boot loader, as an OSGi bundle's
 * does (Equinox and Felix give a bundle {@code java.*}, the packages it imports and those named in
 * {@code org.osgi.framework.bootdelegation}, nothing else), is rewritten like any other, and its
 * calls to the agent's hooks must find them: the agent makes such a loader answer the hooks'
 * package from the boot loader ({@code class-loaders}). Before, the application's own call threw
 * {@code NoClassDefFoundError: dev/jwtagent/bootstrap/TokenTasks} (a thread factory, in a bundle
 * run by Equinox with its default configuration, and in a loader built like a bundle's) or
 * {@code .../ServletHooks} (a filter).
 */
class IsolatingClassLoaderTest {
    /** A thread factory as a bundle declares it: rewritten by the thread instrumentation wherever it is. */
    public static final class BundleThreadFactory implements ThreadFactory {
        @Override
        public Thread newThread(Runnable task) {
            return new Thread(task, "bundle-thread");
        }
    }

    /** The same in a real OSGi framework, Equinox with its default configuration. */
    @Test
    void aThreadFactoryInAnEquinoxBundleStillMakesThreads(@TempDir Path directory) throws Exception {
        Path jar = directory.resolve("bundle.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        manifest.getMainAttributes().putValue("Bundle-SymbolicName", "example.bundle");
        manifest.getMainAttributes().putValue("Bundle-Version", "1.0.0");
        String classFile = BundleThreadFactory.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
             InputStream in = getClass().getClassLoader().getResourceAsStream(classFile)) {
            out.putNextEntry(new JarEntry(classFile));
            in.transferTo(out);
        }
        Framework framework = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(Map.of(
                "org.osgi.framework.storage", directory.resolve("storage").toString(),
                "org.osgi.framework.storage.clean", "onFirstInit"));
        framework.start();
        try {
            Bundle bundle = framework.getBundleContext().installBundle(jar.toUri().toString());
            bundle.start();
            ThreadFactory factory = (ThreadFactory) bundle.loadClass(BundleThreadFactory.class.getName())
                    .getDeclaredConstructor().newInstance();
            assertEquals("bundle-thread", factory.newThread(() -> { }).getName());
        } finally {
            framework.stop();
            framework.waitForStop(10_000);
        }
    }

    @Test
    void aThreadFactoryInABundleStillMakesThreads() throws Exception {
        ThreadFactory factory = (ThreadFactory) new BundleLikeLoader(List.of(BundleThreadFactory.class.getName()))
                .loadClass(BundleThreadFactory.class.getName()).getDeclaredConstructor().newInstance();
        assertEquals("bundle-thread", factory.newThread(() -> { }).getName());
    }

    @Test
    void aFilterInABundleStillRuns() throws Exception {
        Filter filter = (Filter) new BundleLikeLoader(List.of(BundleLikeLoader.PassingFilter.class.getName()))
                .loadClass(BundleLikeLoader.PassingFilter.class.getName()).getDeclaredConstructor().newInstance();
        AtomicInteger passedOn = new AtomicInteger();
        filter.doFilter(null, null, (request, response) -> passedOn.incrementAndGet());
        assertEquals(1, passedOn.get(), "the filter ran and passed the request on");
    }
}
