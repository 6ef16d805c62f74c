package dev.jwtagent.bootstrap;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The token current where each platform thread was started ({@code Thread.start()}), kept until
 * the thread's target runs. A thread's target is wrapped with the token current where the thread
 * is made ({@link TokenTasks#forNewThread}); it runs with that token only when the same token was
 * current where the thread was started too. A thread made during alice's request and started
 * later without a token (a shutdown hook the JVM starts at exit, a thread kept for later) or in
 * bob's request runs with none: SPEC 5 hands a thread its token at {@code start}, and no token
 * goes to a task that did not carry it.
 */
public final class ThreadStarts {
    /** Started where no token was current. */
    private static final Object NONE = new Object();

    /** Keyed by the thread itself ({@code Thread} keeps identity equality); weak, so a thread that never runs its target is not held. */
    private static final Map<Thread, Object> STARTED_WITH = Collections.synchronizedMap(new WeakHashMap<Thread, Object>());

    private ThreadStarts() {
    }

    /** Enter hook of {@code Thread.start()}: records the token current here. Never throws. */
    public static Object starting(Object thread) {
        try {
            CarriedToken current = TokenCarrier.current();
            STARTED_WITH.put((Thread) thread, current == null ? NONE : current);
        } catch (RuntimeException | Error fault) {
            AgentBridge.adviceFault(fault);
        }
        return null;
    }

    /** Exit hook of {@code Thread.start()}: nothing to do. */
    public static void started(Object state) {
    }

    /**
     * The token a thread's target made with {@code made} runs with on {@code thread}: {@code made}
     * when the thread was started where the same token was current, or when its start was not seen
     * (a virtual thread, whose own {@code start} records nothing); none when it was started with no
     * token or with another. A target run by a direct call of {@code run()} is decided on the start
     * of the thread that calls it, if that start was recorded: at worst it runs with no token.
     */
    static CarriedToken tokenToRun(CarriedToken made, Thread thread) {
        Object startedWith = STARTED_WITH.remove(thread);
        return decide(made, startedWith);
    }

    static CarriedToken decide(CarriedToken made, Object startedWith) {
        if (startedWith == null || made == null) {
            return made;
        }
        if (startedWith == NONE) {
            return null;
        }
        return sameToken(made, (CarriedToken) startedWith) ? made : null;
    }

    /** Two carried tokens of the same token (alice's, from two of her requests) are the same. */
    private static boolean sameToken(CarriedToken a, CarriedToken b) {
        return a == b || a.value().equals(b.value());
    }

    /** For tests: the record {@link #starting} leaves when no token is current. */
    static Object none() {
        return NONE;
    }
}
