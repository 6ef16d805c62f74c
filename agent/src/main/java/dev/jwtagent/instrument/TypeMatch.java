package dev.jwtagent.instrument;

import net.bytebuddy.jar.asm.Type;

import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Which classes an instrumentation rewrites, decided from what is cheap first: the class name, then
 * whether the class loader has the library at all, and only then (for rules that need it) the class's
 * super types. No Byte Buddy type description is built to decide: most classes cost a few string
 * comparisons; in a class loader that has the servlet API, every class also costs a walk of its
 * constant pool for the entry methods' descriptor, the few that have it a read of their method
 * table, and those that declare an entry method a header read and a walk of their super types
 * (cached per loader).
 */
public final class TypeMatch {
    private static final String[] ANY_NAME = new String[0];

    /** For {@link #named}: the names, so that the transformer can look rules up by name. Null otherwise. */
    private final Set<String> exactNames;
    /** Otherwise: what a name must contain, one of them (none: any name). */
    private final String[] nameFragments;
    /** Otherwise: what a name must not start with, none of them (packages left out). */
    private final String[] excludedPrefixes;
    private final Set<String> superTypes;
    private final String[] libraryResources;
    /** What a UTF-8 constant of the class file must start with for it to be matched at all (null: no such condition). */
    private final byte[] requiredText;
    /** Methods a class must declare to be matched at all (null: no such condition). */
    private final MethodMatch declaredMethods;
    /**
     * Whether a class or interface that declares one of {@link #declaredMethods} is matched whatever
     * its super types (an interface for a default method); otherwise classes only, by super type.
     */
    private final boolean anyDeclaringType;
    private final Map<ClassLoader, Boolean> loadersWithLibrary = Collections.synchronizedMap(new WeakHashMap<>());
    /** The loader asked about last and the answer: classes mostly load one loader's after another. */
    private volatile LoaderAnswer lastAnswer;

    private static final class LoaderAnswer {
        final WeakReference<ClassLoader> loader;
        final boolean hasLibrary;

        LoaderAnswer(ClassLoader loader, boolean hasLibrary) {
            this.loader = new WeakReference<>(loader);
            this.hasLibrary = hasLibrary;
        }
    }

    private TypeMatch(Set<String> exactNames, String[] nameFragments, Set<String> superTypes, String[] libraryResources,
                      byte[] requiredText, MethodMatch declaredMethods, boolean anyDeclaringType) {
        this(exactNames, nameFragments, ANY_NAME, superTypes, libraryResources, requiredText, declaredMethods, anyDeclaringType);
    }

    private TypeMatch(Set<String> exactNames, String[] nameFragments, String[] excludedPrefixes, Set<String> superTypes,
                      String[] libraryResources, byte[] requiredText, MethodMatch declaredMethods, boolean anyDeclaringType) {
        this.excludedPrefixes = excludedPrefixes;
        this.exactNames = exactNames;
        this.nameFragments = nameFragments;
        this.superTypes = superTypes;
        this.libraryResources = libraryResources;
        this.requiredText = requiredText;
        this.declaredMethods = declaredMethods;
        this.anyDeclaringType = anyDeclaringType;
    }

    /** Exactly these classes (binary names, e.g. {@code java.util.concurrent.FutureTask}). */
    public static TypeMatch named(String... binaryNames) {
        Set<String> set = Collections.unmodifiableSet(new HashSet<>(Arrays.asList(binaryNames)));
        return new TypeMatch(set, null, Collections.emptySet(), new String[0], null, null, false);
    }

    /** Classes (not interfaces, see {@link #orAnyTypeDeclaringThem}) that extend or implement one of {@code superTypes}. */
    public static TypeMatch subtypesOf(String... superTypes) {
        return new TypeMatch(null, ANY_NAME, new HashSet<>(Arrays.asList(superTypes)), new String[0], null, null, false);
    }

    /**
     * The same match, only for classes whose binary name contains one of {@code fragments}: decided
     * before anything else, for the classes whose names say what they are ({@code ...ThreadFactory}).
     */
    public TypeMatch namesContaining(String... fragments) {
        if (exactNames != null) {
            throw new IllegalStateException("a match by exact names has no other names to filter");
        }
        if (fragments.length == 0) {
            throw new IllegalArgumentException("no name fragment given");
        }
        return new TypeMatch(exactNames, fragments.clone(), excludedPrefixes, superTypes, libraryResources, requiredText, declaredMethods, anyDeclaringType);
    }

    /**
     * The same match, leaving out classes whose binary names start with one of {@code prefixes}
     * (packages, written with their trailing dot): decided with the name, before anything else.
     */
    public TypeMatch outside(String... prefixes) {
        if (exactNames != null) {
            throw new IllegalStateException("a match by exact names has no other names to leave out");
        }
        return new TypeMatch(exactNames, nameFragments, prefixes.clone(), superTypes, libraryResources, requiredText, declaredMethods,
                anyDeclaringType);
    }

    /** The same match, only in class loaders that can load one of {@code classNames} (the library is there). */
    public TypeMatch inLoadersWithAnyOf(String... classNames) {
        String[] resources = new String[classNames.length];
        for (int i = 0; i < classNames.length; i++) {
            resources[i] = classNames[i].replace('.', '/') + ".class";
        }
        return new TypeMatch(exactNames, nameFragments, excludedPrefixes, superTypes, resources, requiredText, declaredMethods, anyDeclaringType);
    }

    /**
     * The same match, only for classes that declare a method {@code methods} accepts (the methods
     * the rule rewrites), and whose constant pools have a UTF-8 entry starting with {@code text}
     * (ASCII), which such a class must: the start of those methods' descriptors. The constant
     * pool is read first, then the method table of the few class files that have the text; both
     * come before any super type is read, which would read their class files.
     */
    public TypeMatch declaring(MethodMatch methods, String text) {
        return new TypeMatch(exactNames, nameFragments, excludedPrefixes, superTypes, libraryResources, text.getBytes(StandardCharsets.US_ASCII),
                methods, anyDeclaringType);
    }

    /**
     * The same match, also for a class or interface that is no subtype of the super types but
     * declares one of the methods {@link #declaring} names: a servlet or filter may inherit its entry
     * method from a super class that is neither ({@code class F extends Base implements Filter}),
     * which is loaded, and must be rewritten, before anything says a filter will extend it, or from
     * an interface's default method.
     */
    public TypeMatch orAnyTypeDeclaringThem() {
        if (declaredMethods == null) {
            throw new IllegalStateException("no declared methods to match by");
        }
        return new TypeMatch(exactNames, nameFragments, excludedPrefixes, superTypes, libraryResources, requiredText, declaredMethods, true);
    }

    /** Whether the class file has the required text and declares the required methods, if any: checked before its super types. */
    boolean acceptsClassFile(byte[] classFile) {
        return (requiredText == null || ConstantPool.hasUtf8StartingWith(classFile, requiredText))
                && (declaredMethods == null || DeclaredMethods.any(classFile, declaredMethods));
    }

    /** The exact names this match accepts, or null when it accepts names by a condition. */
    Set<String> exactNames() {
        return exactNames;
    }

    boolean acceptsName(String binaryName) {
        if (exactNames != null) {
            return exactNames.contains(binaryName);
        }
        for (String prefix : excludedPrefixes) {
            if (binaryName.startsWith(prefix)) {
                return false;
            }
        }
        if (nameFragments.length == 0) {
            return true;
        }
        for (String fragment : nameFragments) {
            if (binaryName.contains(fragment)) {
                return true;
            }
        }
        return false;
    }

    /** Libraries we check this way never live on the bootstrap class path. */
    boolean acceptsLoader(ClassLoader loader) {
        if (libraryResources.length == 0) {
            return true;
        }
        if (loader == null) {
            return false;
        }
        LoaderAnswer last = lastAnswer;
        if (last != null && last.loader.get() == loader) {
            return last.hasLibrary;
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
        lastAnswer = new LoaderAnswer(loader, known);
        return known;
    }

    boolean needsHierarchy() {
        return !superTypes.isEmpty();
    }

    /** Whether loaded classes need {@link #superTypesOfLoadedSubtypes} to be matched. */
    boolean matchesLoadedDeclaringTypes() {
        return anyDeclaringType;
    }

    /**
     * For {@link #orAnyTypeDeclaringThem}, of the loaded classes: every super class and super
     * interface of those that are subtypes here (servlets and filters, thread factories; in a loader
     * with the library, where the match asks for one). Only these have
     * their declared methods listed on the loaded path; listing every loaded class's methods
     * resolves every class their signatures name: attached to a JVM with 29,000 classes loaded, that
     * made installing take 2.1 to 2.4 s instead of 0.3 to 0.4 s, and loaded 467 classes more. What this leaves out: a
     * class loaded before the agent that declares the method but that no loaded servlet or filter
     * extends yet.
     */
    Set<Class<?>> superTypesOfLoadedSubtypes(Iterable<Class<?>> loaded) {
        Set<Class<?>> found = Collections.newSetFromMap(new IdentityHashMap<Class<?>, Boolean>());
        for (Class<?> type : loaded) {
            try {
                if (!type.isArray() && !type.isPrimitive() && acceptsName(type.getName()) && acceptsLoader(type.getClassLoader())
                        && SuperTypes.isLoadedSubtypeOfAny(type, superTypes)) {
                    addSuperTypes(type, found);
                }
            } catch (LinkageError | RuntimeException e) {
                // A class whose super types cannot be listed gives no candidates.
            }
        }
        return found;
    }

    private static void addSuperTypes(Class<?> type, Set<Class<?>> found) {
        Class<?> superclass = type.getSuperclass();
        if (superclass != null && found.add(superclass)) {
            addSuperTypes(superclass, found);
        }
        for (Class<?> each : type.getInterfaces()) {
            if (found.add(each)) {
                addSuperTypes(each, found);
            }
        }
    }

    /**
     * For a loaded class and a rule that {@link #needsHierarchy()}: the same question, answered by
     * reflection. {@code superTypesOfLoadedSubtypes} is what {@link #superTypesOfLoadedSubtypes}
     * found among the loaded classes (ignored unless {@link #matchesLoadedDeclaringTypes()}).
     */
    boolean acceptsLoadedHierarchy(Class<?> type, Set<Class<?>> superTypesOfLoadedSubtypes) {
        if ((type.isInterface() && !anyDeclaringType) || type.isSynthetic()) {
            return false;
        }
        return SuperTypes.isLoadedSubtypeOfAny(type, superTypes)
                || (anyDeclaringType && superTypesOfLoadedSubtypes.contains(type) && declaresByReflection(type));
    }

    /**
     * For a loaded class, whose class file is not at hand: whether it declares one of the methods.
     * False when its methods cannot be listed (a signature naming a class that is missing): the
     * other rules still get their say on the class.
     */
    private boolean declaresByReflection(Class<?> type) {
        Method[] methods;
        try {
            methods = type.getDeclaredMethods();
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
        for (Method method : methods) {
            if (declaredMethods.matches(method.getModifiers(), method.getName(), Type.getMethodDescriptor(method))) {
                return true;
            }
        }
        return false;
    }

    /** For a rule that {@link #needsHierarchy()}: is the class a subtype of one of the targets (or, with {@link #orAnyTypeDeclaringThem}, any class or interface)? */
    boolean acceptsHierarchy(ClassHeader header, ClassLoader loader, SuperTypes hierarchy) {
        if ((header.isInterface() && !anyDeclaringType) || header.isSynthetic()) {
            return false;
        }
        // With anyDeclaringType the class file has been found to declare a method (acceptsClassFile, checked first).
        return anyDeclaringType || hierarchy.isSubtypeOfAny(header, loader, superTypes);
    }
}
