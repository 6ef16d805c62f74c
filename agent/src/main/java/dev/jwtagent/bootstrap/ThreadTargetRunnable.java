package dev.jwtagent.bootstrap;

/**
 * A new thread's target, wrapped where the thread is made: it runs with the token current there
 * only when the same token was current where the thread was started ({@link ThreadStarts}).
 */
final class ThreadTargetRunnable extends TokenPropagatingRunnable {

    ThreadTargetRunnable(CarriedToken token, Runnable task) {
        super(token, task);
    }

    @Override
    CarriedToken tokenToRun(CarriedToken madeWith) {
        return ThreadStarts.tokenToRun(madeWith, Thread.currentThread());
    }
}
