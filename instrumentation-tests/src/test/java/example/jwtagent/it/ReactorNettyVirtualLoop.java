package example.jwtagent.it;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import reactor.netty.http.client.HttpClient;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A Reactor Netty client without a pool on an event loop group of the application's, whose loop runs
 * on an executor of the JDK's (a virtual thread of {@code Executors.newVirtualThreadPerTaskExecutor()},
 * Java 21+, or a cached pool's thread). Netty starts the loop through that executor when the first
 * task reaches it: in the first request that connects.
 */
final class ReactorNettyVirtualLoop {
    private static EventLoopGroup group;
    private static HttpClient client;

    private ReactorNettyVirtualLoop() {
    }

    /**
     * A new group of one loop, not started yet, on {@code executor} ("virtual": the JDK's
     * virtual-thread-per-task executor; "cached-pool": a JDK cached thread pool), and a client that
     * runs on it; the ones before shut down.
     */
    static synchronized void useANewGroup(String executor) throws Exception {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
        Executor loops = executor.equals("virtual") ? (Executor) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null)
                : Executors.newCachedThreadPool();
        group = new NioEventLoopGroup(1, loops);
        client = HttpClient.newConnection().runOn(group);
    }

    /** Calls {@code url}, then, subscribed on the loop where its answer arrived, the URL in its {@code then} parameter. */
    static int callThenChained(String url, String authorization) {
        String then = JdkHeldExchanges.then(url);
        HttpClient current = client();
        return current.headers(h -> {
            if (authorization != null) {
                h.set("Authorization", authorization);
            }
        }).get().uri(url).response()
                .flatMap(first -> current.get().uri(then).response())
                .block(Duration.ofSeconds(10)).status().code();
    }

    private static synchronized HttpClient client() {
        return client;
    }
}
