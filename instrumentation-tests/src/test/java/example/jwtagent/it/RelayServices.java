package example.jwtagent.it;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@link RelayChild} services in child JVMs, one per class path (by {@link ChildJvm#libs} name;
 * {@link #MODULE} is this module's own), each started the first time a test asks for it, with the
 * same settings, and closed together.
 */
final class RelayServices implements AutoCloseable {
    /** This module's class path. */
    static final String MODULE = "";

    private final Map<String, TestServer> started = new HashMap<>();
    private final Consumer<ChildJvm.Builder> settings;

    /** {@code settings}: what every child gets beside its class path (agent settings, JVM arguments). */
    RelayServices(Consumer<ChildJvm.Builder> settings) {
        this.settings = settings;
    }

    TestServer of(String libraries) throws Exception {
        TestServer service = started.get(libraries);
        if (service == null) {
            ChildJvm.Builder child = ChildJvm.main(RelayChild.class);
            settings.accept(child);
            if (!libraries.equals(MODULE)) {
                child.classPath(ChildJvm.libsAndTestClasses(libraries));
            }
            service = ClientContractTest.childService(child.start());
            started.put(libraries, service);
        }
        return service;
    }

    @Override
    public void close() throws Exception {
        for (TestServer each : started.values()) {
            each.close();
        }
    }
}
