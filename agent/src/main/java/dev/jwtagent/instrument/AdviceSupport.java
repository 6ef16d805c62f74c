package dev.jwtagent.instrument;

import dev.jwtagent.bootstrap.AgentBridge;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Shared helpers for instrumentations. Advice classes are described from their class files,
 * never loaded and linked by the agent: their bodies name library types (servlet, OkHttp...)
 * that the agent's own class loader does not have.
 */
public final class AdviceSupport {
    /** A suppressed exception in advice goes to {@link AgentBridge#adviceFault}, which logs it once. */
    private static final Advice.ExceptionHandler REPORT_FAULT = new Advice.ExceptionHandler.Simple(
            MethodInvocation.invoke(new MethodDescription.ForLoadedMethod(adviceFaultMethod())));

    private final ClassFileLocator locator;
    private final TypePool pool;

    public AdviceSupport(ClassLoader agentLoader) {
        this.locator = ClassFileLocator.ForClassLoader.of(agentLoader);
        this.pool = TypePool.Default.of(locator);
    }

    /** An advice transformer for the methods matched by {@code methods}, with advice from {@code adviceClassName}. */
    public AgentBuilder.Transformer advice(ElementMatcher<? super MethodDescription> methods, String adviceClassName) {
        Advice advice = Advice.to(pool.describe(adviceClassName).resolve(), locator).withExceptionHandler(REPORT_FAULT);
        return (builder, type, classLoader, module, protectionDomain) -> builder.visit(advice.on(methods));
    }

    /** The pool strategy for matching: type descriptions cached per class loader. */
    public static AgentBuilder.PoolStrategy typePoolCache() {
        return new TypePoolCache();
    }

    private static java.lang.reflect.Method adviceFaultMethod() {
        try {
            return AgentBridge.class.getMethod("adviceFault", Throwable.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("the bootstrap bridge does not match this agent", e);
        }
    }

    /**
     * Matches class loaders that can load {@code className}: a cheap resource look-up, cached per
     * loader, that runs before any type-hierarchy matching.
     */
    public static ElementMatcher<ClassLoader> hasClass(String className) {
        String resource = className.replace('.', '/') + ".class";
        Map<ClassLoader, Boolean> cache = Collections.synchronizedMap(new WeakHashMap<>());
        return loader -> {
            if (loader == null) {
                // Libraries we instrument by this check never live on the bootstrap class path.
                return false;
            }
            Boolean known = cache.get(loader);
            if (known == null) {
                known = loader.getResource(resource) != null;
                cache.put(loader, known);
            }
            return known;
        };
    }

}
