package dev.jwtagent.instrument;

import dev.jwtagent.bootstrap.AgentBridge;

/**
 * Class loaders that do not hand unknown packages to their parent (an OSGi bundle's, which sees
 * {@code java.*}, what it imports and the framework's boot delegation list, nothing else) are
 * made to find the agent's hooks ({@code dev.jwtagent.bootstrap}) on the bootstrap class path,
 * where the agent put them. Every other instrumentation writes calls to those hooks into the
 * application's classes, whatever their loader: in a class of such a loader each call threw
 * {@code NoClassDefFoundError} into the application (a bundle's thread factory, filter or HTTP
 * client call).
 *
 * <p>Every class loader outside the JDK that declares {@code loadClass(String, boolean)} or
 * {@code loadClass(String)} answers a name in that package with the bootstrap loader's class
 * before doing anything else ({@link BootDelegation}); any other name goes as before. Written with
 * ASM, not Byte Buddy's advice: a container's web application loader is among these classes, and
 * advice would load Byte Buddy's several hundred classes as every such service starts.
 */
public final class ClassLoaderInstrumentation implements AgentInstrumentation {
    @Override
    public String name() {
        return "class-loaders";
    }

    @Override
    public Rules install(Rules rules, AdviceSupport support) {
        // One constant pool scan per class, for the method's name (a loader declares it, and few other
        // classes mention it), then the method table, then the super types of the few left.
        MethodMatch loadClass = MethodMatch.named("loadClass").onlyArgument(String.class).notAbstract()
                .or(MethodMatch.named("loadClass").arguments(2).argument(0, String.class).argument(1, boolean.class).notAbstract());
        return rules
                .type(TypeMatch.subtypesOf(ClassLoader.class.getName()).declaring(loadClass, "loadClass"))
                .transform(BootDelegation.of(loadClass, AgentBridge.class.getName().substring(0, AgentBridge.class.getName().lastIndexOf('.'))));
    }
}
