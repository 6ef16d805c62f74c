package dev.jwtagent.concurrent;

import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.Around;
import dev.jwtagent.instrument.ArgumentWrap;
import dev.jwtagent.instrument.MethodMatch;
import dev.jwtagent.instrument.Rules;
import dev.jwtagent.instrument.TypeMatch;

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
 * {@code ThreadFactory.newThread} runs (the JDK's, Tomcat's, Jetty's {@code QueuedThreadPool},
 * Netty's, Apache's, Guava's...), while {@code ThreadPoolExecutor.addWorker} runs (whatever its
 * factory), and while a virtual thread's continuation is handed to its scheduler. The JDK's own
 * runnables (pool workers, cleaners) are never wrapped.
 * <p>
 * Not covered: a {@code Thread} subclass that overrides {@code run()} instead of taking a target,
 * and a thread the application makes itself through a {@code ThreadFactory} (it counts as a pool's).
 * The token is captured when the thread is made, which is where it is started in practice.
 */
public final class ThreadInstrumentation implements AgentInstrumentation {
    /**
     * A class that implements {@code ThreadFactory.newThread} has this descriptor in its constant pool
     * (with a covariant override, in the bridge method javac writes into the class that declares it).
     * Checked before its super types are read: the JDK's factories that take no {@code Runnable}
     * would otherwise have the JDK's class files read.
     */
    private static final String NEW_THREAD_DESCRIPTOR = "(Ljava/lang/Runnable;)Ljava/lang/Thread;";

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
                .type(TypeMatch.named("java.lang.VirtualThread"))
                .transform(ArgumentWrap.of(3, "forNewThread", MethodMatch.constructors().argument(3, Runnable.class)))
                .transform(Around.hidingToken(MethodMatch.nameEndsWith("ubmitRunContinuation")))
                .type(TypeMatch.named("java.lang.ThreadBuilders$BoundVirtualThread"))
                .transform(ArgumentWrap.of(2, "forNewThread", MethodMatch.constructors().argument(2, Runnable.class)))
                .type(TypeMatch.named("java.util.concurrent.ThreadPoolExecutor"))
                .transform(Around.hidingToken(MethodMatch.named("addWorker")))
                .type(threadFactories())
                .transform(Around.hidingToken(newThread()));
    }

    /**
     * Thread factories, by name (the JDK's, Tomcat's, Netty's, Guava's... say so; Jetty's
     * {@code QueuedThreadPool} is one too, and its nested classes pass the name only to fail the
     * method check), that declare {@code newThread(Runnable)}.
     */
    private static TypeMatch threadFactories() {
        return TypeMatch.subtypesOf(ThreadFactory.class.getName())
                .namesContaining("ThreadFactory", "org.eclipse.jetty.util.thread.QueuedThreadPool")
                .declaring(newThread(), NEW_THREAD_DESCRIPTOR);
    }

    private static MethodMatch newThread() {
        return MethodMatch.named("newThread").onlyArgument(Runnable.class).notAbstract();
    }
}
