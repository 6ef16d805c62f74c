package dev.jwtagent.instrument;

/**
 * A class loader's {@code loadClass} answers the names of one package with the bootstrap loader's
 * classes before doing anything else, applied without Byte Buddy by the {@link BootDelegationWeaver}
 * (with calls to JDK methods only, which every loader reaches). For the agent's hooks package, which
 * the agent puts on the bootstrap class path and writes calls to into classes of every loader.
 */
public final class BootDelegation {
    final MethodMatch methods;
    /** Binary names starting with this, such as {@code dev.jwtagent.bootstrap.}. */
    final String packagePrefix;

    private BootDelegation(MethodMatch methods, String packagePrefix) {
        this.methods = methods;
        this.packagePrefix = packagePrefix;
    }

    /**
     * {@code methods}: instance methods that take the class's binary name as their first argument
     * ({@code String}) and return its {@code Class}, as {@code loadClass} does.
     */
    public static BootDelegation of(MethodMatch methods, String packageName) {
        return new BootDelegation(methods, packageName + ".");
    }
}
