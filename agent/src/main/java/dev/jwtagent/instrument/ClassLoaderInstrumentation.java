package dev.jwtagent.instrument;

import net.bytebuddy.asm.Advice;

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
 * before doing anything else; any other name goes as before.
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
                .transform(support.advice(loadClass, ClassLoaderInstrumentation.class, "LoadClassAdvice"));
    }

    /** Inlined into {@code loadClass}: JDK types only, which every loader sees. */
    public static final class LoadClassAdvice {
        private LoadClassAdvice() {
        }

        /** The bootstrap loader's class for a name in the hooks' package, which skips the method; else null. */
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
        public static Class<?> enter(@Advice.Argument(0) String name) {
            if (name == null || !name.startsWith("dev.jwtagent.bootstrap.")) {
                return null;
            }
            try {
                return Class.forName(name, false, null);
            } catch (ClassNotFoundException e) {
                return null;
            }
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Enter Class<?> found, @Advice.Return(readOnly = false) Class<?> loaded) {
            if (found != null) {
                loaded = found;
            }
        }
    }
}
