package example.jwtagent.it;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Child JVM main for {@link CapturedTokensUnderLoadTest}'s Jetty 12 case (Jetty 12 lives only on
 * child class paths), driven reflectively: {@code <port> <deadPort> <calls> <endedCalls> <connectionsPerDestination> <token>...}.
 * One client shared by a caller per token and two without one ({@link LoadedCallers}) calls
 * {@code /orders} on {@code localhost:port} {@code calls} times each; 40 times each, half of them to
 * {@code /redirect} (answered with a redirect to {@code /final}); then {@code endedCalls} times
 * each, a third to {@code deadPort} (refused), a third to {@code /slow} aborted at once. Prints the
 * captures of these tokens left in the table once collected ({@code LEFT}), the count of
 * token-and-target captures beside those in the table ({@code COUNT}), then {@code READY 0}.
 */
public final class CapturedTokensUnderLoadJetty12Child {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int deadPort = Integer.parseInt(args[1]);
        int calls = Integer.parseInt(args[2]);
        int endedCalls = Integer.parseInt(args[3]);
        Map<String, String> tokens = new LinkedHashMap<>();
        List<String> callers = new ArrayList<>();
        int connections = Integer.parseInt(args[4]);
        for (int i = 5; i < args.length; i++) {
            String caller = "jetty12-caller" + (i - 5);
            tokens.put(caller, args[i]);
            callers.add(caller);
        }
        callers.add("jetty12-nobody0");
        callers.add("jetty12-nobody1");

        Class<?> clientType = Class.forName("org.eclipse.jetty.client.HttpClient");
        Class<?> requestType = Class.forName("org.eclipse.jetty.client.Request");
        Class<?> completable = Class.forName("org.eclipse.jetty.client.CompletableResponseListener");
        Method newRequest = clientType.getMethod("newRequest", String.class);
        Method headers = requestType.getMethod("headers", Consumer.class);
        Method add = Class.forName("org.eclipse.jetty.http.HttpFields$Mutable").getMethod("add", String.class, String.class);
        Method abort = requestType.getMethod("abort", Throwable.class);
        Method status = Class.forName("org.eclipse.jetty.client.Response").getMethod("getStatus");
        Object client = clientType.getConstructor().newInstance();
        // With few connections, requests wait in their destination's queue and are sent by whichever thread frees one.
        clientType.getMethod("setMaxConnectionsPerDestination", int.class).invoke(client, connections);
        clientType.getMethod("start").invoke(client);
        LoadedCallers.Library jetty = (url, marker) -> {
            Object request = newRequest.invoke(client, url);
            headers.invoke(request, (Consumer<Object>) fields -> {
                try {
                    add.invoke(fields, "X-Marker", marker);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            });
            Object listener = completable.getConstructor(requestType).newInstance(request);
            CompletableFuture<?> sent = (CompletableFuture<?>) completable.getMethod("send").invoke(listener);
            CompletableFuture<Integer> answered = sent.thenApply(response -> {
                try {
                    return (Integer) status.invoke(response);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            });
            return new LoadedCallers.Started(answered, () -> {
                try {
                    abort.invoke(request, new Exception("cancelled by its caller"));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            });
        };
        LoadedCallers.run(callers, calls, 4, (caller, call) -> jetty.start("http://localhost:" + port + "/orders", caller + "/" + call).status,
                tokens);
        LoadedCallers.run(callers, 40, 4, (caller, call) -> jetty.start("http://localhost:" + port + (call % 2 == 0 ? "/redirect" : "/orders"),
                caller + "/redirected-" + call).status, tokens);
        LoadedCallers.run(callers, endedCalls, 4, (caller, call) -> {
            String marker = caller + "/ended-" + call;
            if (call % 3 == 0) {
                return jetty.start("http://localhost:" + deadPort + "/refused", marker).status.handle((s, fault) -> 0);
            }
            if (call % 3 == 1) {
                LoadedCallers.Started started = jetty.start("http://localhost:" + port + "/slow", marker);
                started.cancel.run();
                return started.status.handle((s, fault) -> 0);
            }
            return jetty.start("http://localhost:" + port + "/orders", marker).status;
        }, tokens);
        Thread.sleep(800);
        System.out.println("LEFT " + LoadedCallers.Table.leftAfterCollection(tokens));
        System.out.println("COUNT " + LoadedCallers.Table.tokenAndTargetCount() + " " + LoadedCallers.Table.tokenAndTargetEntries());
        clientType.getMethod("stop").invoke(client);
        System.out.println(ChildJvm.READY + "0");
        System.exit(0);
    }
}
