package dev.jwtagent.concurrent;

import dev.jwtagent.bootstrap.CarriedToken;
import dev.jwtagent.bootstrap.TokenTasks;
import net.bytebuddy.asm.Advice;

/**
 * Advice shared by the hand-off instrumentations: hides the token around a method that makes a
 * pool's own thread. (The task arguments are replaced by {@link dev.jwtagent.instrument.ArgumentWrap}s,
 * which need no advice class.)
 */
public final class TaskAdvice {
    private TaskAdvice() {
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
