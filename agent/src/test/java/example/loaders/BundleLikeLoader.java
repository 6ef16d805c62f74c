package example.loaders;

/** A class loader of the application's own (outside the agent's and the JDK's packages), for matching tests. */
public final class BundleLikeLoader extends ClassLoader {
    public BundleLikeLoader() {
        super(null);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        throw new ClassNotFoundException(name + " is not visible to this bundle");
    }
}
