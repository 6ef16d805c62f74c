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
    /** Whether the hook also gets the method's receiver ({@code this}): {@code hook(argument, this)}. */
    final boolean withReceiver;

    private ArgumentWrap(int index, String hook, MethodMatch methods, boolean withReceiver) {
        if (index < 0) {
            throw new IllegalArgumentException("argument index " + index);
        }
        this.index = index;
        this.hook = hook;
        this.methods = methods;
        this.withReceiver = withReceiver;
    }

    /** {@code hook}: the name of a {@code TokenTasks} method. */
    public static ArgumentWrap of(int index, String hook, MethodMatch methods) {
        return new ArgumentWrap(index, hook, methods, false);
    }

    /**
     * The same, with the method's receiver as the hook's second argument, an {@code Object}:
     * {@code arg = TokenTasks.hook(arg, this)}; instance methods only.
     */
    public static ArgumentWrap withReceiver(int index, String hook, MethodMatch methods) {
        return new ArgumentWrap(index, hook, methods, true);
    }
}
