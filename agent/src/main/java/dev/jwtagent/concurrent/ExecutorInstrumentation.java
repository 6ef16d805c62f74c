package dev.jwtagent.concurrent;

import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.ArgumentWrap;
import dev.jwtagent.instrument.Around;
import dev.jwtagent.instrument.MethodMatch;
import dev.jwtagent.instrument.Rules;
import dev.jwtagent.instrument.TypeMatch;

import java.util.Collection;
import java.util.concurrent.Callable;

/**
 * The JDK's executors.
 * <ul>
 *   <li>{@code ThreadPoolExecutor.execute(Runnable)}: the task is wrapped, unless the pool's queue
 *       orders its tasks or the task is {@code Comparable} ({@code TokenTasks.forPoolExecute}). Every
 *       subclass that queues through it is covered; {@code submit}, {@code invokeAll} and {@code invokeAny}
 *       (from {@code AbstractExecutorService}) queue a {@code FutureTask} through it.</li>
 *   <li>{@code FutureTask}'s constructors: the callable or runnable inside is wrapped, so the future
 *       keeps its identity ({@code shutdownNow()}, {@code remove}, casts to {@code Future}) and
 *       {@code execute} does not wrap it again. {@code ScheduledThreadPoolExecutor} makes one per
 *       {@code schedule*}, {@code execute} and {@code submit}.</li>
 *   <li>{@code ThreadPerTaskExecutor} (Java 21+, {@code Executors.newVirtualThreadPerTaskExecutor()}
 *       and {@code newThreadPerTaskExecutor}): {@code execute}, {@code submit}, {@code invokeAll},
 *       {@code invokeAny}.</li>
 * </ul>
 * Jetty's {@code ScheduledExecutorScheduler}, a {@code ScheduledThreadPoolExecutor} inside, schedules
 * with no token: it is the library's own timer, not a hand-off of the application's. Its timers
 * serve every caller (the request timeouts of all requests waiting for a connection share one),
 * and each task schedules the next from the scheduler's thread, so a token the first was given
 * would run other callers' timeouts, and the listeners of their failed requests, with it.
 * {@code execute(Runnable)} of an executor of the application's own (any class implementing
 * {@code Executor} outside the JDK and the {@link #RUNTIME_PACKAGES}): the task is wrapped with the
 * caller's token, or with none, when it is given ({@code TokenTasks.forApplicationExecutor}). Such
 * an executor may queue it and hand it to a pool later from another task's thread (a serial
 * executor), where the pool's own hand-off would carry that task's token. A task it must get as it
 * is (one that orders its tasks, a {@code Comparable} or {@code FutureTask}) cannot carry the token.
 * Either way, while such an {@code execute} runs, none is current ({@code TokenTasks.hideForApplicationExecute}):
 * a worker it starts there (with {@code new Thread}, or as a task of a pool) would otherwise keep the
 * first caller's token, and run with it the tasks queued behind as they are.
 * Reactor's bounded elastic scheduler ({@code Schedulers.boundedElastic()}, made when first used,
 * usually during a request) schedules its evictor when it starts ({@code init}, {@code start}) with
 * no token for the same reason: the evictor runs for as long as the scheduler lives, shutting down
 * the idle workers of every caller through the application's executor decorators, and would
 * otherwise keep the token of the request that first used the scheduler.
 * Its form on virtual threads ({@code BoundedElasticThreadPerTaskScheduler}, Java 21+, what
 * {@code Schedulers.boundedElastic()} is when {@code reactor.schedulers.defaultBoundedElasticOnVirtualThreads}
 * is set, as Spring Boot sets it with {@code spring.threads.virtual.enabled}) queues each task as a
 * {@code SchedulerTask} and starts a virtual thread for it from its thread factory, whichever thread
 * drains the queue: the task is wrapped with the caller's token, or with none, when that
 * {@code SchedulerTask} is made, as a {@code FutureTask} is.
 */
public final class ExecutorInstrumentation implements AgentInstrumentation {
    @Override
    public String name() {
        return "executor";
    }

    @Override
    public Rules install(Rules rules, AdviceSupport support) {
        BootstrapClasses.load();
        return rules
                .type(TypeMatch.named("java.util.concurrent.ThreadPoolExecutor"))
                .transform(ArgumentWrap.withReceiver(0, "forPoolExecute", MethodMatch.named("execute").argument(0, Runnable.class)))
                .type(TypeMatch.named("java.util.concurrent.FutureTask"))
                .transform(ArgumentWrap.of(0, "forExecutor", MethodMatch.constructors().argument(0, Runnable.class)))
                .transform(ArgumentWrap.of(0, "forExecutor", MethodMatch.constructors().argument(0, Callable.class)))
                .type(TypeMatch.named("java.util.concurrent.ThreadPerTaskExecutor"))
                .transform(ArgumentWrap.of(0, "forExecutor", handOff().argument(0, Runnable.class)))
                .transform(ArgumentWrap.of(0, "forExecutor", handOff().argument(0, Callable.class)))
                .transform(ArgumentWrap.of(0, "forExecutor", handOff().argument(0, Collection.class)))
                .type(TypeMatch.named(JETTY_SCHEDULER).inLoadersWithAnyOf(JETTY_SCHEDULER))
                .transform(Around.hidingToken(MethodMatch.named("schedule")))
                .type(TypeMatch.named(REACTOR_BOUNDED_ELASTIC).inLoadersWithAnyOf(REACTOR_BOUNDED_ELASTIC))
                .transform(Around.hidingToken(MethodMatch.named("init", "start").arguments(0)))
                .type(TypeMatch.named(REACTOR_VIRTUAL_TASK).inLoadersWithAnyOf(REACTOR_BOUNDED_ELASTIC))
                .transform(ArgumentWrap.of(1, "forExecutor", MethodMatch.constructors().argument(1, Runnable.class)))
                .type(TypeMatch.subtypesOf("java.util.concurrent.Executor").outside(RUNTIME_PACKAGES)
                        .declaring(executeRunnable(), EXECUTE_DESCRIPTOR))
                .transform(ArgumentWrap.withReceiver(0, "forApplicationExecutor", executeRunnable()))
                .transform(Around.hidingTokenForApplicationExecute(executeRunnable()));
    }

    /** {@code execute(Runnable)}'s descriptor, in the constant pool of a class that declares it. */
    private static final String EXECUTE_DESCRIPTOR = "(Ljava/lang/Runnable;)V";

    /**
     * The packages of servers, network libraries and frameworks whose executors are event loops and
     * worker pools serving every caller, with hand-offs of their own (handled where they matter, or
     * starting with no token), and the JDK's own (its pools have rules of their own): left as they are.
     * An executor in any other package is the application's.
     */
    static final String[] RUNTIME_PACKAGES = {
        "java.", "javax.", "jdk.", "sun.", "com.sun.",
        "io.netty.", "reactor.", "org.apache.tomcat.", "org.apache.catalina.", "org.apache.coyote.", "org.eclipse.jetty.",
        "io.undertow.", "org.xnio.", "org.jboss.", "io.vertx.", "io.grpc.", "akka.", "org.apache.pekko.", "kotlinx.coroutines.", "scala.concurrent.",
        "okhttp3.", "org.apache.hc.", "org.apache.http.", "org.glassfish.", "org.eclipse.osgi.", "org.apache.felix.",
    };

    private static MethodMatch executeRunnable() {
        return MethodMatch.named("execute").onlyArgument(Runnable.class).notAbstract();
    }

    static final String REACTOR_BOUNDED_ELASTIC = "reactor.core.scheduler.BoundedElasticScheduler";

    /** A task of Reactor's bounded elastic scheduler on virtual threads; its constructor's second argument is the task given. */
    static final String REACTOR_VIRTUAL_TASK = "reactor.core.scheduler.BoundedElasticThreadPerTaskScheduler$SchedulerTask";

    static final String JETTY_SCHEDULER = "org.eclipse.jetty.util.thread.ScheduledExecutorScheduler";

    private static MethodMatch handOff() {
        return MethodMatch.named("execute", "submit", "invokeAll", "invokeAny").publicOnly().notBridge();
    }
}
