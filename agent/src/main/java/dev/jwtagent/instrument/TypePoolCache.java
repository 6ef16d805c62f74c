package dev.jwtagent.instrument;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.pool.TypePool;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * Remembers, per class loader, the type descriptions that hierarchy matching has already read, so
 * that the super types shared by a container's thousands of classes are parsed once rather than
 * once per class. Weak keys let an undeployed web application's loader go; soft values let the
 * collector reclaim the descriptions under memory pressure.
 */
final class TypePoolCache extends AgentBuilder.PoolStrategy.WithTypePoolCache {
    private static final ClassLoader BOOTSTRAP = new ClassLoader(null) {
    };

    private final Map<ClassLoader, TypePool.CacheProvider> caches = new WeakHashMap<>();

    TypePoolCache() {
        super(TypePool.Default.ReaderMode.FAST);
    }

    @Override
    protected synchronized TypePool.CacheProvider locate(ClassLoader classLoader) {
        ClassLoader key = classLoader == null ? BOOTSTRAP : classLoader;
        TypePool.CacheProvider cache = caches.get(key);
        if (cache == null) {
            cache = new TypePool.CacheProvider.Simple.UsingSoftReference();
            caches.put(key, cache);
        }
        return cache;
    }
}
