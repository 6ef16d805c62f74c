package dev.jwtagent.instrument;

import dev.jwtagent.bootstrap.CarriedToken;
import dev.jwtagent.bootstrap.ForkedTasks;
import dev.jwtagent.bootstrap.ServletHooks;
import dev.jwtagent.bootstrap.ThreadStarts;
import dev.jwtagent.bootstrap.TokenTasks;
import dev.jwtagent.bootstrap.TomcatAttributes;

/**
 * Advice of the shape "call a hook before the method, keep what it returns, hand that to another
 * hook when the method returns or throws", applied without Byte Buddy by the {@link AroundWeaver}.
 * The hooks are static methods of a bootstrap class, so every class loader reaches them. Two
 * shapes exist, one per factory; the hooks' descriptors are fixed here. An exit hook must not
 * throw: its call before a return lies inside the method's own try blocks, whose handlers would
 * then run after the hook had already put the thread back.
 */
public final class Around {
    final MethodMatch methods;
    final String hooks;
    final String enter;
    final String enterDescriptor;
    /** How many of the method's first arguments the enter hook takes. */
    final int enterArguments;
    final String exit;
    final String exitDescriptor;
    /** The type the enter hook returns, as a stack map frame names it. */
    final String stateType;
    /** A void method returns at once, without the exit hook, when the enter hook returns null. */
    final boolean skipWhenNull;
    /** Whether the enter hook gets the method's receiver ({@code this}) before the arguments it takes. */
    final boolean withReceiver;

    private Around(MethodMatch methods, Class<?> hooks, String enter, String enterDescriptor, int enterArguments,
                   String exit, String exitDescriptor, Class<?> stateType, boolean skipWhenNull) {
        this(methods, hooks, enter, enterDescriptor, enterArguments, exit, exitDescriptor, stateType, skipWhenNull, false);
    }

    private Around(MethodMatch methods, Class<?> hooks, String enter, String enterDescriptor, int enterArguments,
                   String exit, String exitDescriptor, Class<?> stateType, boolean skipWhenNull, boolean withReceiver) {
        this.methods = methods;
        this.hooks = internalName(hooks);
        this.enter = enter;
        this.enterDescriptor = enterDescriptor;
        this.enterArguments = enterArguments;
        this.exit = exit;
        this.exitDescriptor = exitDescriptor;
        this.stateType = internalName(stateType);
        this.skipWhenNull = skipWhenNull;
        this.withReceiver = withReceiver;
    }

    /** No token is current while the method runs ({@code TokenTasks.hide}); it is back when the method returns or throws. */
    public static Around hidingToken(MethodMatch methods) {
        String carried = "L" + internalName(CarriedToken.class) + ";";
        return new Around(methods, TokenTasks.class, "hide", "()" + carried, 0, "unhide", "(" + carried + ")V",
                CarriedToken.class, false);
    }

    /**
     * {@code Thread.start()}: records the token current where the thread is started
     * ({@code ThreadStarts.starting}), which its target, wrapped where it was made, checks when it runs.
     */
    public static Around recordingThreadStart(MethodMatch methods) {
        return new Around(methods, ThreadStarts.class, "starting", "(Ljava/lang/Object;)Ljava/lang/Object;", 0,
                "started", "(Ljava/lang/Object;)V", Object.class, false, true);
    }

    /**
     * {@code ForkJoinPool.helpJoin}: as {@link #hidingToken}, and the joiner's token is kept aside
     * for the task it joins ({@link #showingJoinersToken}).
     */
    public static Around hidingTokenWhileJoining(MethodMatch methods) {
        return new Around(methods, TokenTasks.class, "hideForJoin", "()Ljava/lang/Object;", 0,
                "unhideAfterJoin", "(Ljava/lang/Object;)V", Object.class, false);
    }

    /**
     * {@code execute(Runnable)} of an executor of the application's own: no token is current while it
     * runs ({@code TokenTasks.hideForApplicationExecute}), once its task is wrapped with the caller's
     * (an {@link ArgumentWrap} of the same method runs first: wraps are woven last, so their code
     * comes before an around's), so that what the executor starts or hands on meanwhile (a worker that
     * drains its queue) carries none; it is back when the method returns or throws. Instance methods only.
     */
    public static Around hidingTokenForApplicationExecute(MethodMatch methods) {
        String carried = "L" + internalName(CarriedToken.class) + ";";
        return new Around(methods, TokenTasks.class, "hideForApplicationExecute", "(Ljava/lang/Object;)" + carried, 0,
                "unhide", "(" + carried + ")V", CarriedToken.class, false, true);
    }

    /** {@code WorkQueue.tryRemoveAndExec}: the joined task runs with the token its joiner's join kept aside. */
    public static Around showingJoinersToken(MethodMatch methods) {
        String carried = "L" + internalName(CarriedToken.class) + ";";
        return new Around(methods, TokenTasks.class, "showJoinersToken", "()" + carried, 0, "hideJoinersToken", "(" + carried + ")V",
                CarriedToken.class, false);
    }

    /**
     * {@code ForkJoinTask.fork()} ({@code receiver}: the task is {@code this}) and a
     * {@code ForkJoinPool}'s {@code execute}, {@code submit} and {@code invoke} given a task (its first
     * argument): the task goes with the current token ({@link ForkedTasks#handedOver}).
     */
    public static Around handingOverForkJoinTask(MethodMatch methods, boolean receiver) {
        return new Around(methods, ForkedTasks.class, "handedOver", "(Ljava/lang/Object;)Ljava/lang/Object;", receiver ? 0 : 1,
                "handOverDone", "(Ljava/lang/Object;)V", Object.class, false, receiver);
    }

    /** {@code ForkJoinTask.doExec()}: the task runs with the token it was handed over with ({@link ForkedTasks#running}). */
    public static Around runningForkJoinTask(MethodMatch methods) {
        return new Around(methods, ForkedTasks.class, "running", "(Ljava/lang/Object;)Ljava/lang/Object;", 0,
                "ran", "(Ljava/lang/Object;)V", Object.class, false, true);
    }

    /**
     * {@code Servlet.service(request, response)} and {@code Filter.doFilter(request, response, chain)}:
     * {@link ServletHooks#enter} decides, and answers the request itself (the method does not run)
     * when it rejects; {@link ServletHooks#exit} closes the request's scope.
     */
    public static Around servletEntry(MethodMatch methods) {
        return new Around(methods, ServletHooks.class, "enter", "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;", 2,
                "exit", "(Ljava/lang/Object;)V", Object.class, true);
    }

    /**
     * {@code AsyncListener.onTimeout} and {@code onError}: {@link ServletHooks#enterListener} makes the token
     * its request was decided on current (or none), {@link ServletHooks#exit} puts back what the thread held.
     */
    public static Around asyncListener(MethodMatch methods) {
        return new Around(methods, ServletHooks.class, "enterListener", "(Ljava/lang/Object;)Ljava/lang/Object;", 1,
                "exit", "(Ljava/lang/Object;)V", Object.class, false);
    }

    /**
     * Tomcat's request facade, {@code removeAttribute(name)}: {@link TomcatAttributes#surface} moves
     * the agent's entry of that name into Tomcat's own map first.
     */
    public static Around surfacingAttribute(MethodMatch methods) {
        return new Around(methods, TomcatAttributes.class, "surface", "(Ljava/lang/Object;Ljava/lang/String;)Ljava/lang/Object;", 1,
                "surfaced", "(Ljava/lang/Object;)V", Object.class, false, true);
    }

    /**
     * Tomcat's request facade, {@code setAttribute(name, value)}: {@link TomcatAttributes#surfaceReplaced}
     * copies the agent's entry of that name into Tomcat's own map first, leaving the original hidden.
     */
    public static Around surfacingReplacedAttribute(MethodMatch methods) {
        return new Around(methods, TomcatAttributes.class, "surfaceReplaced", "(Ljava/lang/Object;Ljava/lang/String;Ljava/lang/Object;)Ljava/lang/Object;", 2,
                "surfaced", "(Ljava/lang/Object;)V", Object.class, false, true);
    }

    /** Tomcat's request facade, {@code getAttributeNames()}: {@link TomcatAttributes#surfaceAll} first. */
    public static Around surfacingAttributes(MethodMatch methods) {
        return new Around(methods, TomcatAttributes.class, "surfaceAll", "(Ljava/lang/Object;)Ljava/lang/Object;", 0,
                "surfaced", "(Ljava/lang/Object;)V", Object.class, false, true);
    }

    private static String internalName(Class<?> type) {
        return type.getName().replace('.', '/');
    }
}
