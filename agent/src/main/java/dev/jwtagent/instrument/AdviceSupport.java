package dev.jwtagent.instrument;

import dev.jwtagent.bootstrap.AgentBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.pool.TypePool;

/**
 * Shared helpers for instrumentations. Advice classes are described from their class files,
 * never loaded and linked by the agent: their bodies name library types (servlet, OkHttp...)
 * that the agent's own class loader does not have. Each advice class is read the first time a
 * class it applies to is loaded, not at startup.
 */
public final class AdviceSupport {
    private final ClassLoader agentLoader;
    private volatile Resolver resolver;

    public AdviceSupport(ClassLoader agentLoader) {
        this.agentLoader = agentLoader;
    }

    /** Advice from {@code adviceClassName} for the methods {@code methods} matches; both resolved on first use. */
    public AdviceRule advice(MethodMatch methods, String adviceClassName) {
        return new AdviceRule(this, methods, adviceClassName);
    }

    /**
     * Advice from the class {@code adviceName} nested in {@code instrumentation}. Named rather than
     * referenced as a class literal, which would load it at startup although most services never
     * load the library it applies to.
     */
    public AdviceRule advice(MethodMatch methods, Class<?> instrumentation, String adviceName) {
        return advice(methods, instrumentation.getName() + "$" + adviceName);
    }

    /** The advice class this rule names (for tests). */
    static String adviceClassName(AdviceRule rule) {
        return rule.adviceClassName;
    }

    private Resolver resolver() {
        Resolver current = resolver;
        if (current == null) {
            synchronized (this) {
                current = resolver;
                if (current == null) {
                    current = new Resolver(agentLoader);
                    resolver = current;
                }
            }
        }
        return current;
    }

    /** One advice class for the methods of a matched type; resolved once, when first needed. */
    public static final class AdviceRule {
        private final AdviceSupport support;
        private final MethodMatch methods;
        private final String adviceClassName;
        private volatile AsmVisitorWrapper resolved;

        AdviceRule(AdviceSupport support, MethodMatch methods, String adviceClassName) {
            this.support = support;
            this.methods = methods;
            this.adviceClassName = adviceClassName;
        }

        AsmVisitorWrapper visitor() {
            AsmVisitorWrapper current = resolved;
            if (current == null) {
                current = support.resolver().advice(adviceClassName).on(methods.toMatcher());
                resolved = current;
            }
            return current;
        }
    }

    /** Byte Buddy's view of the agent's own class files; built on the first weave. */
    private static final class Resolver {
        /** A suppressed exception in advice goes to {@link AgentBridge#adviceFault}, which logs it once. */
        private final Advice.ExceptionHandler reportFault = new Advice.ExceptionHandler.Simple(
                MethodInvocation.invoke(new MethodDescription.ForLoadedMethod(adviceFaultMethod())));
        private final ClassFileLocator locator;
        private final TypePool pool;

        Resolver(ClassLoader agentLoader) {
            this.locator = ClassFileLocator.ForClassLoader.of(agentLoader);
            this.pool = TypePool.Default.of(locator);
        }

        synchronized Advice advice(String adviceClassName) {
            return Advice.to(pool.describe(adviceClassName).resolve(), locator).withExceptionHandler(reportFault);
        }

        private static java.lang.reflect.Method adviceFaultMethod() {
            try {
                return AgentBridge.class.getMethod("adviceFault", Throwable.class);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("the bootstrap bridge does not match this agent", e);
            }
        }
    }
}
