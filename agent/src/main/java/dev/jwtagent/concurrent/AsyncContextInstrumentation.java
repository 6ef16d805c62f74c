package dev.jwtagent.concurrent;

import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.Around;
import dev.jwtagent.instrument.ArgumentWrap;
import dev.jwtagent.instrument.MethodMatch;
import dev.jwtagent.instrument.Rules;
import dev.jwtagent.instrument.TypeMatch;

/**
 * {@code AsyncContext.start(Runnable)}, javax and jakarta: containers run the task on their own
 * executor (Tomcat's and Jetty's are not the JDK's), so it is wrapped here. A later
 * {@code AsyncContext.dispatch} needs nothing: the servlet instrumentation restores the request's
 * decision from its request attribute. {@code complete()} and {@code dispatch(...)} run with no
 * token, as the caller's is not the ending request's: Jetty (9.4, 12) ends a waiting request right
 * there, on the caller's thread, which is often another request's (a long poll ended by a new
 * message), and runs the waiting request's {@code AsyncListener.onComplete} with it; and the
 * containers hand a dispatch (and a completion) to their pool, which may be a JDK
 * {@code ThreadPoolExecutor} (Jetty's {@code ExecutorThreadPool}, an executor given to Tomcat) that
 * would carry the caller's token to the listeners run after the dispatch. A dispatch itself, and an
 * error dispatch run inline, decide their own request's token. An implementation whose class name
 * does not contain {@code AsyncContext} is not instrumented.
 *
 * <p>{@code ServletOutputStream.setWriteListener} and {@code ServletInputStream.setReadListener} run
 * with no token too: called off the request's thread (a task of the application's, which carries the
 * request's token), they hand the connection to the container's pool, and Tomcat serves the requests
 * pipelined behind it on that connection inside that same task (its valves and request listeners run
 * before any decision). The containers' streams are named after what they are ({@code CoyoteOutputStream},
 * Jetty's {@code HttpOutput}); one whose name has neither {@code Output} nor {@code Input} is not instrumented.
 *
 * <p>Jetty's {@code HttpInput} wakes a request waiting in async mode from the thread whose read meets
 * the end of the body ({@code wake()} in 9.4, {@code scheduleReadListenerNotification()} in 12 ee10):
 * it hands the request to the pool there, and its {@code ReadListener.onAllDataRead} runs on that
 * hand-off, completing the request and handing on the request pipelined behind it on the connection.
 * A task of the application's reads with its request's token, and a JDK pool (Jetty's
 * {@code ExecutorThreadPool}) carried it to the next request, whose handlers and request listeners
 * run before any decision: these wake-ups run with no token too.
 */
public final class AsyncContextInstrumentation implements AgentInstrumentation {
    @Override
    public String name() {
        return "servlet-async";
    }

    @Override
    public Rules install(Rules rules, AdviceSupport support) {
        BootstrapClasses.load();
        return rules
                .type(asyncContexts())
                .transform(ArgumentWrap.of(0, "forExecutor", MethodMatch.named("start").onlyArgument(Runnable.class).notAbstract()))
                .transform(Around.hidingToken(MethodMatch.named("complete").arguments(0).notAbstract()))
                .transform(Around.hidingToken(MethodMatch.named("dispatch").notAbstract()))
                .type(servletStreams())
                .transform(Around.hidingToken(MethodMatch.named("setWriteListener", "setReadListener").arguments(1).notAbstract()))
                .transform(Around.hidingToken(MethodMatch.named("wake", "scheduleReadListenerNotification").arguments(0).notAbstract()))
                .type(asyncListeners("javax"))
                .transform(Around.asyncListener(listenerCallbacks("javax")))
                .type(asyncListeners("jakarta"))
                .transform(Around.asyncListener(listenerCallbacks("jakarta")));
    }

    /** {@code onTimeout(AsyncEvent)} and {@code onError(AsyncEvent)} of the {@code pkg} servlet API. */
    private static MethodMatch listenerCallbacks(String pkg) {
        return MethodMatch.named("onTimeout", "onError").arguments(1).argument(0, pkg + ".servlet.AsyncEvent").notAbstract();
    }

    /**
     * An {@code AsyncListener}'s {@code onTimeout} and {@code onError} run with the token of the request it
     * listens to (Spring MVC's timeout and error callbacks among them), found as an async dispatch finds it.
     * Listeners have no telling name (Spring's is {@code StandardServletAsyncWebRequest}): a class is looked
     * at only when its constant pool holds the callbacks' descriptor, before any super type is read, so the
     * other classes of a web application cost a constant pool scan, not a type-hierarchy walk.
     */
    private static TypeMatch asyncListeners(String pkg) {
        String listener = pkg + ".servlet.AsyncListener";
        return TypeMatch.subtypesOf(listener).inLoadersWithAnyOf(listener)
                .declaring(listenerCallbacks(pkg), "(L" + pkg + "/servlet/AsyncEvent;)V")
                .orAnyTypeDeclaringThem();
    }

    private static TypeMatch servletStreams() {
        return TypeMatch.subtypesOf("javax.servlet.ServletOutputStream", "jakarta.servlet.ServletOutputStream",
                        "javax.servlet.ServletInputStream", "jakarta.servlet.ServletInputStream")
                .namesContaining("Output", "Input")
                .inLoadersWithAnyOf("javax.servlet.ServletOutputStream", "jakarta.servlet.ServletOutputStream");
    }

    /**
     * Containers name their implementation after the interface (Tomcat's {@code AsyncContextImpl},
     * Jetty's {@code AsyncContextState}, Undertow's {@code AsyncContextImpl}): matching the name first
     * spares a type-hierarchy walk for every other class of a web application.
     */
    private static TypeMatch asyncContexts() {
        return TypeMatch.subtypesOf("javax.servlet.AsyncContext", "jakarta.servlet.AsyncContext").namesContaining("AsyncContext")
                .inLoadersWithAnyOf("javax.servlet.AsyncContext", "jakarta.servlet.AsyncContext");
    }
}
