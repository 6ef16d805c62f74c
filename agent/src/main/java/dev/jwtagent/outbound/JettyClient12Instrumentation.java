package dev.jwtagent.outbound;

import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.Around;
import dev.jwtagent.instrument.MethodMatch;
import dev.jwtagent.instrument.Rules;
import dev.jwtagent.instrument.TypeMatch;

/**
 * Jetty {@code HttpClient} 12 ({@code org.eclipse.jetty.client.transport.HttpRequest}), blocking
 * {@code send()} and asynchronous {@code send(listener)}: both reach {@code sendAsync} on the
 * calling thread, where the header is added for the destination the client resolved for the
 * request (where its connection goes; the request is not asked again). The request may then wait
 * for a connection; if the token has expired by the time a connection sends it
 * ({@code HttpConnection.normalizeRequest}), the header is taken off. A redirect is a copy of the
 * request sent from Jetty's own threads (no token current there); Jetty drops {@code Authorization}
 * from such copies, and the copy advice drops a header the agent added under any other name.
 *
 * <p>Jetty 12's class files are Java 17 while the agent is built for Java 11, so the advice lives
 * in {@code dev.jwtagent.outbound.jetty12}, compiled by a release-17 compiler execution of its own
 * and named here only by string: those classes are described from their class files and inlined
 * into Jetty's classes, never loaded by the agent.
 *
 * <p>An application's request listener ({@code onRequestBegin}, {@code onRequestHeaders}, per request
 * or for the client) that adds its own value of the header beside the token has its value go alone.
 *
 * <p>A request waiting in its destination's queue is sent on whichever thread finds it a
 * connection, which may be another caller's (one whose own request was just sent, or who read its
 * own exchange to the end on its thread and so released the connection): the request's listeners
 * ({@code onRequestBegin}, {@code onRequestHeaders}...) run there with the token of the caller who
 * sent that request, or none, never that thread's. The thread that reads a connection reads the
 * answers to whichever requests it carries, so a caller's thread that read its own exchange to its
 * end goes on to read the answer to the request sent behind it: a response's listeners
 * ({@code ResponseListeners}' notifications, and the content a demand made earlier delivers) run
 * with none unless that thread holds the token of the caller who sent the request.
 *
 * <p>{@code HttpClient.stop()} ends every exchange still open and runs their listeners right there,
 * on the thread that stops the client: it runs with no token, so that a request stopping a shared
 * client does not hand its token to every other caller's listeners. {@code start()} runs with no
 * token too: the client hands its selector loop to its executor there.
 */
public final class JettyClient12Instrumentation implements AgentInstrumentation {
    private static final String ADVICE = "dev.jwtagent.outbound.jetty12.JettyClient12Advice";

    @Override
    public String name() {
        return "jetty-client-12";
    }

    @Override
    public Rules install(Rules rules, AdviceSupport support) {
        return rules
                .type(TypeMatch.named("org.eclipse.jetty.client.transport.HttpRequest").inLoadersWithAnyOf("org.eclipse.jetty.client.transport.HttpRequest"))
                .transform(support.advice(MethodMatch.named("sendAsync").arguments(2), ADVICE + "$SendAdvice"))
                .transform(support.advice(MethodMatch.named("copy").arguments(1).argument(0, "java.net.URI"),
                        ADVICE + "$CopyAdvice"))
                .transform(support.advice(MethodMatch.named("notifyHeaders").arguments(0), ADVICE + "$ListenersAdvice"))
                // Written or failed: the agent's header goes off the application's request object.
                .transform(support.advice(MethodMatch.named("notifyCommit").arguments(0)
                        .or(MethodMatch.named("notifyFailure").arguments(1).argument(0, "java.lang.Throwable")), ADVICE + "$DoneAdvice"))
                // A queued exchange is sent on whichever thread finds it a connection, often another caller's.
                .type(TypeMatch.named("org.eclipse.jetty.client.transport.HttpDestination").inLoadersWithAnyOf("org.eclipse.jetty.client.transport.HttpRequest"))
                .transform(support.advice(MethodMatch.named("send").arguments(2)
                        .argument(1, "org.eclipse.jetty.client.transport.HttpExchange"), ADVICE + "$QueuedSendAdvice"))
                // A response is read on whichever thread reads its connection, often another caller's.
                .type(TypeMatch.named("org.eclipse.jetty.client.transport.ResponseListeners").inLoadersWithAnyOf("org.eclipse.jetty.client.transport.HttpRequest"))
                .transform(support.advice(MethodMatch.named("notifyBegin", "notifyHeaders", "notifySuccess").arguments(1)
                        .argument(0, "org.eclipse.jetty.client.Response")
                        .or(MethodMatch.named("notifyHeader", "notifyContentSource", "notifyFailure").arguments(2)
                                .argument(0, "org.eclipse.jetty.client.Response"))
                        .or(MethodMatch.named("notifyComplete").arguments(1).argument(0, "org.eclipse.jetty.client.Result")),
                        ADVICE + "$ResponseListenersAdvice"))
                .type(TypeMatch.named("org.eclipse.jetty.client.transport.HttpReceiver").inLoadersWithAnyOf("org.eclipse.jetty.client.transport.HttpRequest"))
                .transform(support.advice(MethodMatch.named("responseHeaders").arguments(1)
                        .argument(0, "org.eclipse.jetty.client.transport.HttpExchange"), ADVICE + "$ContentSourceAdvice"))
                .transform(support.advice(MethodMatch.named("responseContentAvailable").arguments(1)
                        .argument(0, "org.eclipse.jetty.client.transport.HttpExchange"), ADVICE + "$ContentAvailableAdvice"))
                .type(TypeMatch.named("org.eclipse.jetty.client.transport.HttpReceiver$ContentSource").inLoadersWithAnyOf("org.eclipse.jetty.client.transport.HttpRequest"))
                .transform(support.advice(MethodMatch.named("invokeDemandCallback").arguments(1), ADVICE + "$DemandCallbackAdvice"))
                .type(TypeMatch.named("org.eclipse.jetty.client.transport.HttpConnection").inLoadersWithAnyOf("org.eclipse.jetty.client.transport.HttpRequest"))
                .transform(support.advice(MethodMatch.named("normalizeRequest").arguments(1)
                        .argument(0, "org.eclipse.jetty.client.transport.HttpRequest"), ADVICE + "$SentAdvice"))
                // Started during a request (a client made on first use), the client hands its selector
                // loop to its executor, which would carry that request's token into every task the
                // loop hands on for every caller; stopped, it fails other callers' requests.
                .type(TypeMatch.named("org.eclipse.jetty.client.HttpClient").inLoadersWithAnyOf("org.eclipse.jetty.client.transport.HttpRequest"))
                .transform(Around.hidingToken(MethodMatch.named("doStart", "doStop").arguments(0)));
    }
}
