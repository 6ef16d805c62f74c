package dev.jwtagent.instrument;

import dev.jwtagent.concurrent.AsyncContextInstrumentation;
import dev.jwtagent.concurrent.CompletableFutureInstrumentation;
import dev.jwtagent.concurrent.ExecutorInstrumentation;
import dev.jwtagent.concurrent.ForkJoinInstrumentation;
import dev.jwtagent.concurrent.ReactorPoolInstrumentation;
import dev.jwtagent.concurrent.ThreadInstrumentation;
import dev.jwtagent.inbound.ServletEntryInstrumentation;
import dev.jwtagent.outbound.ApacheHttpAsyncClient4Instrumentation;
import dev.jwtagent.outbound.ApacheHttpClient4Instrumentation;
import dev.jwtagent.outbound.ApacheHttpClient5Instrumentation;
import dev.jwtagent.outbound.HttpUrlConnectionInstrumentation;
import dev.jwtagent.outbound.JdkHttpClientInstrumentation;
import dev.jwtagent.outbound.JettyClient12Instrumentation;
import dev.jwtagent.outbound.OkHttpInstrumentation;
import dev.jwtagent.outbound.ReactorNettyHttpClientInstrumentation;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The one list of instrumentations. Add a new one here, and its name to {@code NAMES}. */
public final class Instrumentations {
    private Instrumentations() {
    }

    public static List<AgentInstrumentation> all() {
        return Arrays.asList(
                ServletEntryInstrumentation.jakarta(),
                ServletEntryInstrumentation.javax(),
                new HttpUrlConnectionInstrumentation(),
                new JdkHttpClientInstrumentation(),
                new ApacheHttpClient4Instrumentation(),
                new ApacheHttpAsyncClient4Instrumentation(),
                new ApacheHttpClient5Instrumentation(),
                new OkHttpInstrumentation(),
                new ReactorNettyHttpClientInstrumentation(),
                new JettyClient12Instrumentation(),
                new ExecutorInstrumentation(),
                new ForkJoinInstrumentation(),
                new CompletableFutureInstrumentation(),
                new ThreadInstrumentation(),
                new AsyncContextInstrumentation(),
                new ReactorPoolInstrumentation(),
                new ClassLoaderInstrumentation());
    }

    /**
     * The names of {@link #all()}, in its order, written out so that reading the settings (which
     * name each instrumentation's switch) does not load every instrumentation class: a disabled
     * agent reads the settings and nothing else. {@code InstrumentationsTest} keeps the two lists equal.
     */
    private static final List<String> NAMES = Arrays.asList(
            "servlet-jakarta", "servlet-javax", "http-url-connection", "java-http-client", "apache-httpclient-4",
            "apache-httpasyncclient-4", "apache-httpclient-5", "okhttp", "reactor-netty-http-client", "jetty-client-12",
            "executor", "fork-join", "completable-future", "thread", "servlet-async", "reactor-pool", "class-loaders");

    public static Set<String> names() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(NAMES));
    }
}
