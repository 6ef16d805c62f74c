package example.jwtagent.it;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * A class loader built like an OSGi bundle's: it defines the named classes itself from the test
 * class files; {@code java.*} and the servlet API (imported, in OSGi terms) come from its parent;
 * anything else, the agent's packages included, cannot be found.
 */
public final class BundleLikeLoader extends ClassLoader {
    private final List<String> own;

    public BundleLikeLoader(List<String> own) {
        super(BundleLikeLoader.class.getClassLoader());
        this.own = own;
    }

    /** A filter as a bundle declares it, importing the servlet API only. */
    public static final class PassingFilter implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
            chain.doFilter(request, response);
        }
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded != null) {
                return loaded;
            }
            if (name.startsWith("java.") || name.startsWith("jakarta.servlet.")) {
                return super.loadClass(name, resolve);
            }
            if (own.contains(name)) {
                try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                    byte[] classFile = in.readAllBytes();
                    return defineClass(name, classFile, 0, classFile.length);
                } catch (IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
            throw new ClassNotFoundException(name + " is not visible to this bundle");
        }
    }
}
