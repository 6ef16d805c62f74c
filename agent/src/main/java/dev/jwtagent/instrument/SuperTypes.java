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
 * remembering per loader each header and, for each set of targets, each type's answer: the super
 * types a container's classes share are read and walked once. Weak keys let an undeployed
 * application's loader go. A super type that has no class file ends the walk on that branch.
 */
final class SuperTypes {
    private static final int MAX_DEPTH = 32;
    private static final ClassLoader BOOTSTRAP = new ClassLoader(null) {
    };

    private static final ClassHeader NOT_FOUND = new ClassHeader("", 0, null, new String[0]);
    private static final ClassHeader READ_FAILED = new ClassHeader("", 0, null, new String[0]);

    /** Per class loader: the headers read, and for each target set the answers found. */
    private final Map<ClassLoader, Known> known = Collections.synchronizedMap(new WeakHashMap<>());

    private static final class Known {
        final Map<String, ClassHeader> headers = new ConcurrentHashMap<>();
        final Map<Set<String>, Map<String, Boolean>> reaches = new ConcurrentHashMap<>();
    }

    /**
     * Whether {@code header}'s class, loaded by {@code loader}, extends or implements one of
     * {@code targets}. When that cannot be told (a super type's class file could not be read, or
     * the hierarchy is deeper than any real one), the answer is yes and is not remembered: the
     * class is then rewritten only if it also declares the advised methods, and a servlet or
     * filter is never left without the entry hooks because of a failed read.
     */
    boolean isSubtypeOfAny(ClassHeader header, ClassLoader loader, Set<String> targets) {
        Known inLoader = knownIn(loader == null ? BOOTSTRAP : loader);
        Map<String, Boolean> answers = inLoader.reaches.get(targets);
        if (answers == null) {
            Map<String, Boolean> created = new ConcurrentHashMap<>();
            answers = inLoader.reaches.putIfAbsent(targets, created);
            answers = answers == null ? created : answers;
        }
        try {
            boolean answer = inherits(header, loader, targets, mayBeJdkType(targets), inLoader, answers, 0);
            answers.putIfAbsent(header.name(), answer);
            return answer;
        } catch (Uncertain e) {
            return true;
        }
    }

    private Known knownIn(ClassLoader loader) {
        synchronized (known) {
            Known inLoader = known.get(loader);
            if (inLoader == null) {
                inLoader = new Known();
                known.put(loader, inLoader);
            }
            return inLoader;
        }
    }

    /** Ends a walk whose answer cannot be told; answers on its path are not remembered. */
    private static final class Uncertain extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Uncertain INSTANCE = new Uncertain();

        private Uncertain() {
            super(null, null, false, false);
        }
    }

    /** Whether one of {@code header}'s direct super types is a target or reaches one. */
    private boolean inherits(ClassHeader header, ClassLoader loader, Set<String> targets, boolean intoJdk,
                             Known inLoader, Map<String, Boolean> answers, int depth) {
        if (depth > MAX_DEPTH) {
            throw Uncertain.INSTANCE;
        }
        if (header == null) {
            return false;
        }
        String superName = header.superName();
        if (superName != null && reaches(superName, loader, targets, intoJdk, inLoader, answers, depth)) {
            return true;
        }
        for (String each : header.interfaces()) {
            if (reaches(each, loader, targets, intoJdk, inLoader, answers, depth)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the type {@code name} is a target or inherits from one; remembered, as a container's classes share their super types. */
    private boolean reaches(String name, ClassLoader loader, Set<String> targets, boolean intoJdk,
                            Known inLoader, Map<String, Boolean> answers, int depth) {
        if (targets.contains(name)) {
            return true;
        }
        if (!worthWalking(name, intoJdk)) {
            return false;
        }
        Boolean answer = answers.get(name);
        if (answer == null) {
            answer = inherits(headerOf(name, loader, inLoader), loader, targets, intoJdk, inLoader, answers, depth + 1);
            answers.put(name, answer);
        }
        return answer;
    }

    /**
     * A {@code java.*} type's own super types are all {@code java.*} types (the JDK cannot see an
     * application's or a library's classes), so its branch is walked only when a target is one.
     * Most classes have one of them among their super types; reading their class files through
     * the loader was most of the matching cost at startup.
     */
    private static boolean worthWalking(String typeName, boolean intoJdk) {
        return intoJdk ? !"java.lang.Object".equals(typeName) : !typeName.startsWith("java.");
    }

    private static boolean mayBeJdkType(Set<String> targets) {
        for (String target : targets) {
            if (target.startsWith("java.")) {
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

    /** The header of {@code name}, null when the loader has no class file for it. */
    private static ClassHeader headerOf(String name, ClassLoader loader, Known inLoader) {
        ClassHeader header = inLoader.headers.get(name);
        if (header == null) {
            header = read(name, loader);
            if (header == READ_FAILED) {
                // Not remembered: the next class that needs it reads it again.
                throw Uncertain.INSTANCE;
            }
            // A class file that does not exist is remembered too, so it is not searched for again.
            inLoader.headers.put(name, header == null ? NOT_FOUND : header);
        }
        return header == NOT_FOUND ? null : header;
    }

    /** The class file's header, null when there is none, {@link #READ_FAILED} when it could not be read. */
    private static ClassHeader read(String name, ClassLoader loader) {
        String resource = name.replace('.', '/') + ".class";
        try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(resource) : loader.getResourceAsStream(resource)) {
            return in == null ? null : ClassHeader.read(in.readAllBytes());
        } catch (IOException | RuntimeException e) {
            return READ_FAILED;
        }
    }
}
