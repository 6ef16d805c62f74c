package dev.jwtagent.instrument;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which methods of a matched class get advice, written at startup as plain data and turned into
 * a Byte Buddy matcher at the first weave that needs it. Building Byte Buddy's matchers at startup
 * loads its type descriptions, and deferring each with a lambda costs about 1 ms per lambda on a
 * cold JVM: together more than half of the agent's own startup time before this class.
 *
 * <p>Criteria add up (all must hold); {@link #or} gives an alternative. Argument types are
 * compared by name, so that the agent need not load them. Built once at startup, then only read.
 */
public final class MethodMatch {
    private final boolean constructors;
    private final List<String> names = new ArrayList<>();
    private final List<String> prefixes = new ArrayList<>();
    private String suffix;
    private int argumentCount = -1;
    private final Map<Integer, String> argumentTypes = new TreeMap<>();
    /** Null: public or not. */
    private Boolean mustBePublic;
    private boolean notBridge;
    private boolean notAbstract;
    private final List<MethodMatch> alternatives = new ArrayList<>();

    private MethodMatch(boolean constructors) {
        this.constructors = constructors;
    }

    /** Methods with one of these names. */
    public static MethodMatch named(String... names) {
        MethodMatch match = new MethodMatch(false);
        match.names.addAll(Arrays.asList(names));
        return match;
    }

    /** Methods whose name ends with {@code suffix}. */
    public static MethodMatch nameEndsWith(String suffix) {
        MethodMatch match = new MethodMatch(false);
        match.suffix = suffix;
        return match;
    }

    /** Methods whose name starts with one of {@code prefixes}. */
    public static MethodMatch nameStartsWith(String... prefixes) {
        return new MethodMatch(false).orNameStartsWith(prefixes);
    }

    public static MethodMatch constructors() {
        return new MethodMatch(true);
    }

    /** Also methods whose name starts with one of {@code prefixes}. */
    public MethodMatch orNameStartsWith(String... prefixes) {
        this.prefixes.addAll(Arrays.asList(prefixes));
        return this;
    }

    public MethodMatch arguments(int count) {
        this.argumentCount = count;
        return this;
    }

    /**
     * Argument {@code index} is declared as {@code type} (its erasure, by binary name). Not for
     * arrays, which the class-file and Byte Buddy forms of the match would name differently.
     */
    public MethodMatch argument(int index, String type) {
        if (type.endsWith("[]") || type.startsWith("[")) {
            throw new IllegalArgumentException("array argument types are not supported: " + type);
        }
        argumentTypes.put(index, type);
        return this;
    }

    public MethodMatch argument(int index, Class<?> type) {
        return argument(index, type.getName());
    }

    /** Exactly one argument, declared as {@code type}. */
    public MethodMatch onlyArgument(Class<?> type) {
        return arguments(1).argument(0, type);
    }

    public MethodMatch publicOnly() {
        mustBePublic = Boolean.TRUE;
        return this;
    }

    public MethodMatch notPublic() {
        mustBePublic = Boolean.FALSE;
        return this;
    }

    public MethodMatch notBridge() {
        notBridge = true;
        return this;
    }

    public MethodMatch notAbstract() {
        notAbstract = true;
        return this;
    }

    /** The methods this or {@code other} matches. */
    public MethodMatch or(MethodMatch other) {
        alternatives.add(other);
        return this;
    }

    /**
     * Whether a method as declared in a class file matches: {@code access} flags, {@code name}
     * ({@code <init>} for constructors) and {@code descriptor}. The same criteria as {@link #toMatcher()}.
     */
    boolean matches(int access, String name, String descriptor) {
        if (matchesThis(access, name, descriptor)) {
            return true;
        }
        for (MethodMatch alternative : alternatives) {
            if (alternative.matches(access, name, descriptor)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a method called {@code name} can match at all: checked before its descriptor is read. */
    boolean mayMatchName(String name) {
        if (constructors ? name.equals("<init>") : nameMatches(name)) {
            return true;
        }
        for (MethodMatch alternative : alternatives) {
            if (alternative.mayMatchName(name)) {
                return true;
            }
        }
        return false;
    }

    private boolean matchesThis(int access, String name, String descriptor) {
        if (constructors ? !name.equals("<init>") : !nameMatches(name)) {
            return false;
        }
        Type[] arguments = Type.getArgumentTypes(descriptor);
        if (argumentCount >= 0 && arguments.length != argumentCount) {
            return false;
        }
        for (Map.Entry<Integer, String> argument : argumentTypes.entrySet()) {
            int index = argument.getKey();
            if (index >= arguments.length || !arguments[index].getClassName().equals(argument.getValue())) {
                return false;
            }
        }
        return (mustBePublic == null || mustBePublic == ((access & Opcodes.ACC_PUBLIC) != 0))
                && !(notBridge && (access & Opcodes.ACC_BRIDGE) != 0)
                && !(notAbstract && (access & Opcodes.ACC_ABSTRACT) != 0);
    }

    private boolean nameMatches(String name) {
        if (names.contains(name) || (suffix != null && name.endsWith(suffix))) {
            return true;
        }
        for (String prefix : prefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The Byte Buddy matcher for these criteria; loads Byte Buddy's matcher classes. */
    ElementMatcher.Junction<MethodDescription> toMatcher() {
        ElementMatcher.Junction<MethodDescription> match = constructors ? ElementMatchers.isConstructor() : nameMatcher();
        if (argumentCount >= 0) {
            match = match.and(ElementMatchers.takesArguments(argumentCount));
        }
        for (Map.Entry<Integer, String> argument : argumentTypes.entrySet()) {
            match = match.and(ElementMatchers.takesArgument(argument.getKey(), ElementMatchers.named(argument.getValue())));
        }
        if (mustBePublic != null) {
            match = match.and(mustBePublic ? ElementMatchers.isPublic() : ElementMatchers.not(ElementMatchers.isPublic()));
        }
        if (notBridge) {
            match = match.and(ElementMatchers.not(ElementMatchers.isBridge()));
        }
        if (notAbstract) {
            match = match.and(ElementMatchers.not(ElementMatchers.isAbstract()));
        }
        for (MethodMatch alternative : alternatives) {
            match = match.or(alternative.toMatcher());
        }
        return match;
    }

    private ElementMatcher.Junction<MethodDescription> nameMatcher() {
        ElementMatcher.Junction<MethodDescription> name = ElementMatchers.none();
        for (String each : names) {
            name = name.or(ElementMatchers.named(each));
        }
        for (String prefix : prefixes) {
            name = name.or(ElementMatchers.nameStartsWith(prefix));
        }
        if (suffix != null) {
            name = name.or(ElementMatchers.nameEndsWith(suffix));
        }
        return name;
    }
}
