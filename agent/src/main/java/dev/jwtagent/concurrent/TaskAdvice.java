package dev.jwtagent.concurrent;

import dev.jwtagent.bootstrap.CarriedToken;
import dev.jwtagent.bootstrap.TokenTasks;
import net.bytebuddy.asm.Advice;

import java.util.Collection;
import java.util.concurrent.Callable;

/**
 * Advice shared by the hand-off instrumentations. Each only replaces the task argument with what
 * {@link TokenTasks} returns (the task itself when no token is current), or hides the token
 * around a method that makes a pool's own thread.
 */
public final class TaskAdvice {
    private TaskAdvice() {
    }

    /** First argument is a {@link Runnable} handed to another thread. */
    public static final class RunnableAt0 {
        private RunnableAt0() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 0, readOnly = false) Runnable task) {
            task = TokenTasks.forExecutor(task);
        }
    }

    /** First argument is a {@link Callable} handed to another thread. */
    public static final class CallableAt0 {
        private CallableAt0() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 0, readOnly = false) Callable<?> task) {
            task = TokenTasks.forExecutor(task);
        }
    }

    /** First argument is a collection of {@link Callable}s ({@code invokeAll}, {@code invokeAny}). */
    public static final class CallablesAt0 {
        private CallablesAt0() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 0, readOnly = false) Collection<? extends Callable<Object>> tasks) {
            tasks = TokenTasks.forExecutor(tasks);
        }
    }

    /** No token is visible while the method runs; it is back when the method returns or throws. */
    public static final class HideToken {
        private HideToken() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static CarriedToken enter() {
            return TokenTasks.hide();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter CarriedToken hidden) {
            TokenTasks.unhide(hidden);
        }
    }
}
