package dev.jwtagent.instrument;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Walks a class's super types by reading the headers of their class files through its class loader,
 * remembering each header per loader: the super types a container's classes share are read once.
 * Weak keys let an undeployed application's loader go. A super type whose class file cannot be found
 * ends the walk on that branch (the class is then not matched).
 */
final class SuperTypes {
    private static final int MAX_DEPTH = 32;
    private static final ClassLoader BOOTSTRAP = new ClassLoader(null) {
    };

    private final Map<ClassLoader, Map<String, ClassHeader>> headers = Collections.synchronizedMap(new WeakHashMap<>());

    /** Whether {@code header}'s class, loaded by {@code loader}, extends or implements one of {@code targets}. */
    boolean isSubtypeOfAny(ClassHeader header, ClassLoader loader, Set<String> targets) {
        return walk(header, loader, targets, 0);
    }

    private boolean walk(ClassHeader header, ClassLoader loader, Set<String> targets, int depth) {
        if (header == null || depth > MAX_DEPTH) {
            return false;
        }
        String superName = header.superName();
        if (superName != null && (targets.contains(superName)
                || !"java.lang.Object".equals(superName) && walk(headerOf(superName, loader), loader, targets, depth + 1))) {
            return true;
        }
        for (String each : header.interfaces()) {
            if (targets.contains(each) || walk(headerOf(each, loader), loader, targets, depth + 1)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The same walk for an already loaded class, by reflection: its super types are loaded too, and
     * one defined in memory has no class file to read.
     */
    static boolean isLoadedSubtypeOfAny(Class<?> type, Set<String> targets) {
        return walkLoaded(type, targets, 0);
    }

    private static boolean walkLoaded(Class<?> type, Set<String> targets, int depth) {
        if (type == null || depth > MAX_DEPTH) {
            return false;
        }
        Class<?> superclass = type.getSuperclass();
        if (superclass != null && (targets.contains(superclass.getName()) || walkLoaded(superclass, targets, depth + 1))) {
            return true;
        }
        for (Class<?> each : type.getInterfaces()) {
            if (targets.contains(each.getName()) || walkLoaded(each, targets, depth + 1)) {
                return true;
            }
        }
        return false;
    }

    private ClassHeader headerOf(String name, ClassLoader loader) {
        Map<String, ClassHeader> known = headers.computeIfAbsent(loader == null ? BOOTSTRAP : loader, key -> new ConcurrentHashMap<>());
        ClassHeader header = known.get(name);
        if (header == null) {
            header = read(name, loader);
            if (header == null) {
                return null;
            }
            known.put(name, header);
        }
        return header;
    }

    private static ClassHeader read(String name, ClassLoader loader) {
        String resource = name.replace('.', '/') + ".class";
        try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(resource) : loader.getResourceAsStream(resource)) {
            return in == null ? null : ClassHeader.read(in.readAllBytes());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
