package dev.jwtagent.instrument;

/**
 * Advice of one shape, applied without Byte Buddy: at the start of each matched method, argument
 * {@code index} is replaced by what {@code TokenTasks.<hook>(argument)} returns, the hook taking
 * and returning the argument's declared type. This is what the hand-off instrumentations do to a
 * task given to another thread; the {@link ArgumentWrapWeaver} writes it with a few ASM calls,
 * which costs a fraction of inlining advice (the JDK's {@code CompletableFuture} alone took about
 * 200 ms with Byte Buddy on the first request).
 *
 * <p>A hook must not throw: the call is not guarded in the woven method.
 */
public final class ArgumentWrap {
    final int index;
    final String hook;
    final MethodMatch methods;

    private ArgumentWrap(int index, String hook, MethodMatch methods) {
        this.index = index;
        this.hook = hook;
        this.methods = methods;
    }

    /** {@code hook}: the name of a {@code TokenTasks} method. */
    public static ArgumentWrap of(int index, String hook, MethodMatch methods) {
        if (index < 0) {
            throw new IllegalArgumentException("argument index " + index);
        }
        return new ArgumentWrap(index, hook, methods);
    }
}
