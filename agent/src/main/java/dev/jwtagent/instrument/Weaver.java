package dev.jwtagent.instrument;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.VisibilityBridgeStrategy;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.pool.TypePool;

import java.util.List;

/**
 * Inlines advice into one class file with Byte Buddy. Only this class and the advice resolution
 * touch Byte Buddy's code generation, so a JVM in which nothing is instrumented never loads it.
 * The class is decorated, never rebased: no member is added or removed, as retransformation of
 * an already loaded class requires.
 */
final class Weaver {
    private final ByteBuddy byteBuddy = new ByteBuddy()
            .with(TypeValidation.DISABLED)
            .with(VisibilityBridgeStrategy.Default.NEVER);

    byte[] weave(String binaryName, byte[] classFile, ClassLoader loader, List<AdviceSupport.AdviceRule> advice) {
        ClassFileLocator locator = new ClassFileLocator.Compound(
                ClassFileLocator.Simple.of(binaryName, classFile),
                loader == null ? ClassFileLocator.ForClassLoader.ofBootLoader() : ClassFileLocator.ForClassLoader.of(loader));
        TypePool pool = new TypePool.Default.WithLazyResolution(new TypePool.CacheProvider.Simple(), locator,
                TypePool.Default.ReaderMode.FAST);
        TypeDescription type = pool.describe(binaryName).resolve();
        DynamicType.Builder<?> builder = byteBuddy.decorate(type, locator);
        for (AdviceSupport.AdviceRule each : advice) {
            builder = builder.visit(each.visitor());
        }
        return builder.make(pool).getBytes();
    }
}
