package dev.jwtagent.instrument;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Predicate;

/**
 * Which classes an instrumentation rewrites, decided from what is cheap first: the class name, then
 * whether the class loader has the library at all, and only then (for rules that need it) the class's
 * super types. No Byte Buddy type description is built to decide: most classes cost a few string
 * comparisons; in a class loader that has the servlet API, every class also costs a byte search for
 * the entry methods' descriptor, and the few that have it a header read and a walk of their super
 * types (cached per loader).
 */
public final class TypeMatch {
    private final Predicate<String> names;
    private final Set<String> superTypes;
    private final String[] libraryResources;
    /** Bytes a class file must contain to be matched at all (null: no such condition). */
    private final byte[] requiredText;
    private final Map<ClassLoader, Boolean> loadersWithLibrary = Collections.synchronizedMap(new WeakHashMap<>());

    private TypeMatch(Predicate<String> names, Set<String> superTypes, String[] libraryResources, byte[] requiredText) {
        this.names = names;
        this.superTypes = superTypes;
        this.libraryResources = libraryResources;
        this.requiredText = requiredText;
    }

    /** Exactly these classes (binary names, e.g. {@code java.util.concurrent.FutureTask}). */
    public static TypeMatch named(String... binaryNames) {
        Set<String> set = new HashSet<>(Arrays.asList(binaryNames));
        return new TypeMatch(set::contains, Collections.emptySet(), new String[0], null);
    }

    /** Classes (not interfaces) whose name passes {@code names} and that extend or implement one of {@code superTypes}. */
    public static TypeMatch subtypesOf(Predicate<String> names, String... superTypes) {
        return new TypeMatch(names, new HashSet<>(Arrays.asList(superTypes)), new String[0], null);
    }

    /** The same match, only in class loaders that can load one of {@code classNames} (the library is there). */
    public TypeMatch inLoadersWithAnyOf(String... classNames) {
        String[] resources = new String[classNames.length];
        for (int i = 0; i < classNames.length; i++) {
            resources[i] = classNames[i].replace('.', '/') + ".class";
        }
        return new TypeMatch(names, superTypes, resources, requiredText);
    }

    /**
     * The same match, only for class files that contain {@code text} (ASCII), such as a method
     * descriptor that a class declaring the advised methods must have in its constant pool. A
     * byte search spares most classes the walk of their super types, which reads class files.
     */
    public TypeMatch inClassFilesContaining(String text) {
        return new TypeMatch(names, superTypes, libraryResources, text.getBytes(StandardCharsets.US_ASCII));
    }

    /** Whether the class file has the required text, if any: checked before its super types. */
    boolean acceptsClassFile(byte[] classFile) {
        return requiredText == null || contains(classFile, requiredText);
    }

    static boolean contains(byte[] data, byte[] text) {
        byte first = text[0];
        int last = data.length - text.length;
        for (int i = 0; i <= last; i++) {
            if (data[i] != first) {
                continue;
            }
            int j = 1;
            while (j < text.length && data[i + j] == text[j]) {
                j++;
            }
            if (j == text.length) {
                return true;
            }
        }
        return false;
    }

    boolean acceptsName(String binaryName) {
        return names.test(binaryName);
    }

    /** Libraries we check this way never live on the bootstrap class path. */
    boolean acceptsLoader(ClassLoader loader) {
        if (libraryResources.length == 0) {
            return true;
        }
        if (loader == null) {
            return false;
        }
        Boolean known = loadersWithLibrary.get(loader);
        if (known == null) {
            known = false;
            for (String resource : libraryResources) {
                if (loader.getResource(resource) != null) {
                    known = true;
                    break;
                }
            }
            loadersWithLibrary.put(loader, known);
        }
        return known;
    }

    boolean needsHierarchy() {
        return !superTypes.isEmpty();
    }

    /** For a loaded class and a rule that {@link #needsHierarchy()}: the same question, answered by reflection. */
    boolean acceptsLoadedHierarchy(Class<?> type) {
        return !type.isInterface() && !type.isSynthetic() && SuperTypes.isLoadedSubtypeOfAny(type, superTypes);
    }

    /** For a rule that {@link #needsHierarchy()}: is the class concrete enough and a subtype of one of the targets? */
    boolean acceptsHierarchy(ClassHeader header, ClassLoader loader, SuperTypes hierarchy) {
        return !header.isInterface() && !header.isSynthetic() && hierarchy.isSubtypeOfAny(header, loader, superTypes);
    }
}
