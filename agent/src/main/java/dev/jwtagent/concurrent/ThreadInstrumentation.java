package dev.jwtagent.concurrent;

import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.Around;
import dev.jwtagent.instrument.ArgumentWrap;
import dev.jwtagent.instrument.MethodMatch;
import dev.jwtagent.instrument.Rules;
import dev.jwtagent.instrument.TypeMatch;

import java.util.concurrent.Callable;
import java.util.concurrent.ThreadFactory;

/**
 * New threads, platform and virtual. A thread cannot get a field of ours (no class format
 * changes on loaded JDK classes), so its {@code Runnable} is wrapped where the thread is made:
 * <ul>
 *   <li>{@code Thread}'s one constructor that every other delegates to (the target is its second
 *       argument up to Java 17, its fourth from Java 21: {@code holder.task});</li>
 *   <li>{@code VirtualThread} and {@code ThreadBuilders$BoundVirtualThread} (Java 21+), which keep
 *       their task themselves ({@code Thread.ofVirtual().start(r)}, {@code Thread.startVirtualThread}).</li>
 * </ul>
 * A thread made by a pool runs other people's tasks for the rest of its life and must start with
 * no token, even when the pool grows during a request: the token is hidden while any
 * {@code newThread(Runnable)} with code runs, whatever its class is called or extends (the JDK's
 * factories, Tomcat's, Jetty's {@code QueuedThreadPool}, Reactor Netty's event loop factory,
 * Apache's, Guava's...), while {@code ThreadPoolExecutor.addWorker} runs (whatever its factory),
 * while Netty's {@code ThreadPerTaskExecutor} starts an event loop's thread (whatever its factory,
 * a lambda included), while an event loop hands its loop to its group's executor, whatever that is
 * ({@code SingleThreadEventExecutor.doStartThread}), and while a virtual thread's continuation is handed to its scheduler. The
 * JDK's own runnables (pool workers, cleaners) are never wrapped.
 * <p>
 * A subtask forked by a {@code StructuredTaskScope} (a preview API from Java 21) carries the forking
 * thread's token, as a task given to an executor does.
 * <p>
 * Not covered: a {@code Thread} subclass that overrides {@code run()} instead of taking a target,
 * and a thread the application makes itself through a {@code ThreadFactory} (it counts as a pool's).
 * A pool of another kind whose factory is a lambda still makes its threads with the token current.
 * The token is captured when the thread is made, and a platform thread runs with it only when the
 * same token is current where {@code Thread.start()} is called ({@code ThreadStarts}): a thread made
 * during a request and started later without it (a shutdown hook) runs with none. A virtual thread
 * runs with the token current where it was made.
 */
public final class ThreadInstrumentation implements AgentInstrumentation {
    /**
     * A class that implements {@code ThreadFactory.newThread} has this descriptor in its constant pool
     * (with a covariant override, in the bridge method javac writes into the class that declares it):
     * the constant pool is read for it, then the method table, and no super type is read.
     */
    private static final String NEW_THREAD_DESCRIPTOR = "(Ljava/lang/Runnable;)Ljava/lang/Thread;";

    /** Starts each event loop's thread of Netty's event loop groups through the group's factory. */
    private static final String NETTY_THREAD_PER_TASK_EXECUTOR = "io.netty.util.concurrent.ThreadPerTaskExecutor";

    /** Starts its loop through whatever executor its group was given, on the thread of the first task given to it. */
    private static final String NETTY_SINGLE_THREAD_EXECUTOR = "io.netty.util.concurrent.SingleThreadEventExecutor";

    private static final String UNDERTOW_HTTP_READ_LISTENER = "io.undertow.server.protocol.http.HttpReadListener";

    private static final String UNDERTOW_AJP_READ_LISTENER = "io.undertow.server.protocol.ajp.AjpReadListener";

    private static final String STRUCTURED_TASK_SCOPE = "java.util.concurrent.StructuredTaskScope";

    @Override
    public String name() {
        return "thread";
    }

    @Override
    public Rules install(Rules rules, AdviceSupport support) {
        BootstrapClasses.load();
        BootstrapClasses.loadWhatRelinkingLoads();
        return rules
                .type(TypeMatch.named("java.lang.Thread"))
                .transform(ArgumentWrap.of(1, "forNewThread", MethodMatch.constructors().notPublic().argument(1, Runnable.class)))
                .transform(ArgumentWrap.of(3, "forNewThread", MethodMatch.constructors().argument(3, Runnable.class)))
                // The token goes with a platform thread only when it is current where the thread is started too.
                .transform(Around.recordingThreadStart(MethodMatch.named("start").arguments(0)))
                .type(TypeMatch.named("java.lang.VirtualThread"))
                .transform(ArgumentWrap.of(3, "forNewThread", MethodMatch.constructors().argument(3, Runnable.class)))
                .transform(Around.hidingToken(MethodMatch.nameEndsWith("ubmitRunContinuation")))
                .type(TypeMatch.named("java.lang.ThreadBuilders$BoundVirtualThread"))
                .transform(ArgumentWrap.of(2, "forNewThread", MethodMatch.constructors().argument(2, Runnable.class)))
                .type(TypeMatch.named("java.util.concurrent.ThreadPoolExecutor"))
                .transform(Around.hidingToken(MethodMatch.named("addWorker")))
                .type(TypeMatch.named(NETTY_THREAD_PER_TASK_EXECUTOR))
                .transform(Around.hidingToken(MethodMatch.named("execute").onlyArgument(Runnable.class)))
                // An event loop group given an executor of the JDK's (Executors.newVirtualThreadPerTaskExecutor(),
                // a ThreadPoolExecutor) hands the loop to it as a task, which that executor carries the
                // token to: the loop, started by the first request whose connection registers on it,
                // ran every later caller's work on it with that request's token.
                .type(TypeMatch.named(NETTY_SINGLE_THREAD_EXECUTOR))
                .transform(Around.hidingToken(MethodMatch.named("doStartThread").arguments(0)))
                // Tomcat's executor for useVirtualThreads starts a virtual thread per request, from
                // whichever thread hands it the connection: one that ended another request (async
                // complete()) may hold that request's token, which the new thread would inherit.
                .type(TypeMatch.named("org.apache.tomcat.util.threads.VirtualThreadExecutor"))
                .transform(Around.hidingToken(MethodMatch.named("execute").onlyArgument(Runnable.class)))
                // Jetty 12's VirtualThreadPool likewise (through the JDK's thread-per-task executor, a
                // hand-off the agent would otherwise carry the token through): the connection's next
                // requests ran their handlers and request listeners with the completed request's token.
                .type(TypeMatch.named("org.eclipse.jetty.util.thread.VirtualThreadPool"))
                .transform(Around.hidingToken(MethodMatch.named("execute", "tryExecute").onlyArgument(Runnable.class)))
                // Undertow starts the request pipelined behind a completed one on its connection from the
                // thread that completed it (a servlet that wrote its Content-Length or closed its output,
                // inside service() or an async task), through the deployment's or the XNIO worker's
                // executor: a JDK pool or virtual threads there carried that request's token to the next
                // request's listeners and handlers, which run before its decision.
                .type(TypeMatch.named(UNDERTOW_HTTP_READ_LISTENER, UNDERTOW_AJP_READ_LISTENER))
                .transform(Around.hidingToken(MethodMatch.named("exchangeComplete").arguments(1)))
                .type(threadFactories())
                .transform(Around.hidingToken(newThread()))
                // Structured concurrency (a preview API from Java 21): a subtask runs on a thread the
                // scope's factory makes, with the token hidden as every factory's is; the subtask itself
                // carries the forking thread's token (the class up to Java 24, the implementation from 25).
                .type(TypeMatch.named(STRUCTURED_TASK_SCOPE, STRUCTURED_TASK_SCOPE + "Impl"))
                .transform(ArgumentWrap.of(0, "forExecutor", MethodMatch.named("fork").argument(0, Callable.class)))
                .transform(ArgumentWrap.of(0, "forExecutor", MethodMatch.named("fork").argument(0, Runnable.class)));
    }

    /**
     * Every class or interface that declares {@code newThread(Runnable)} with code, whatever it is
     * called and whatever it extends: matching factories by name missed Reactor Netty's
     * ({@code DefaultLoopResources$EventLoopFactory}), whose event loop threads, started lazily by
     * the first request to use them, then kept that request's token for their whole life. A method of
     * that name and argument outside a factory hides the token too: a thread it makes starts with none.
     */
    private static TypeMatch threadFactories() {
        return TypeMatch.subtypesOf(ThreadFactory.class.getName())
                .declaring(newThread(), NEW_THREAD_DESCRIPTOR)
                .orAnyTypeDeclaringThem();
    }

    private static MethodMatch newThread() {
        return MethodMatch.named("newThread").onlyArgument(Runnable.class).notAbstract();
    }
}
