package dev.jwtagent.instrument;

import dev.jwtagent.bootstrap.AgentBridge;

import java.lang.instrument.Instrumentation;
import java.util.Collections;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Exports a JDK module's internal package to the agent's bridge (the bootstrap loader's unnamed
 * module), once, just before the first class of a rule that needs it is rewritten. The bridge
 * reads the JDK HTTP clients' internal header types reflectively, which only an export allows.
 * Done on demand, not at startup: the module update costs about ten milliseconds of class
 * loading in a starting JVM, which a service that uses neither client never has to pay.
 */
final class BridgeExports {
    private final Instrumentation instrumentation;
    private final Module bridge = AgentBridge.class.getModule();
    private final Set<String> done = new HashSet<>();

    BridgeExports(Instrumentation instrumentation) {
        this.instrumentation = instrumentation;
    }

    /**
     * Adds {@code export} if not yet added; a module this JVM does not have is left alone. Throws
     * what the module update throws: the class is then not rewritten, and the next one tries again.
     */
    synchronized void ensure(Rules.Export export) {
        String key = export.module + "/" + export.packageName;
        if (done.contains(key)) {
            return;
        }
        Optional<Module> module = ModuleLayer.boot().findModule(export.module);
        if (module.isPresent()) {
            // Also the read edge: the rewritten class calls the bridge (the JVM adds it for a
            // transformed module as well; stating it keeps the rewrite independent of that).
            instrumentation.redefineModule(module.get(), Collections.singleton(bridge),
                    Collections.singletonMap(export.packageName, Collections.singleton(bridge)),
                    Collections.emptyMap(), Collections.emptySet(), Collections.emptyMap());
        }
        done.add(key);
    }
}
