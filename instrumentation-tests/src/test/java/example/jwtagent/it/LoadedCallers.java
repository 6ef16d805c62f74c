package example.jwtagent.it;

import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Callers of one shared asynchronous client at once, each on a thread of its own with its token
 * current (or none), and the agent's table of captured tokens read after them: for
 * {@link CapturedTokensUnderLoadTest}, here and in a child JVM. No test library is used here.
 */
final class LoadedCallers {
    private LoadedCallers() {
    }

    /**
     * "marker carried what" for each arrival ({marker, Authorization values joined, path}) that did not
     * carry exactly its own caller's token (nothing for a caller without one); a redirect's hop
     * ({@code /final}) may carry its own caller's token or nothing.
     */
    static List<String> checkArrivals(Map<String, String> tokens, Iterable<String[]> arrivals) {
        List<String> problems = new ArrayList<>();
        for (String[] each : arrivals) {
            String caller = each[0] == null ? "?" : each[0].substring(0, each[0].indexOf('/'));
            String own = tokens.get(caller);
            String expected = own == null ? "" : "Bearer " + own;
            // A redirect hop may carry its own caller's token or none, never another's.
            boolean redirected = each.length > 2 && "/final".equals(each[2]);
            if (!expected.equals(each[1]) && !(redirected && each[1].isEmpty())) {
                String whose = each[1].isEmpty() ? "nothing" : "somebody's";
                for (Map.Entry<String, String> token : tokens.entrySet()) {
                    if (each[1].contains(token.getValue())) {
                        whose = token.getKey() + "'s token";
                    }
                }
                problems.add(each[0] + " carried " + whose);
            }
        }
        return problems;
    }

    interface Call {
        CompletableFuture<?> start(String caller, int call) throws Exception;
    }

    /** Each caller on a thread of its own, with its token current (or none), {@code inFlightPerCaller} calls in flight. */
    static void run(List<String> callers, int calls, int inFlightPerCaller, Call call, Map<String, String> tokens) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (String caller : callers) {
                running.add(pool.submit(() -> CurrentToken.with(tokens.get(caller), () -> {
                    List<CompletableFuture<?>> inFlight = new ArrayList<>();
                    for (int i = 0; i < calls; i++) {
                        inFlight.add(call.start(caller, i));
                        if (inFlight.size() == inFlightPerCaller) {
                            for (CompletableFuture<?> each : inFlight) {
                                each.get(30, TimeUnit.SECONDS);
                            }
                            inFlight.clear();
                        }
                    }
                    for (CompletableFuture<?> each : inFlight) {
                        each.get(30, TimeUnit.SECONDS);
                    }
                    return null;
                })));
            }
            for (Future<?> each : running) {
                each.get(300, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A call started: its status once answered, and how to cancel it. */
    static final class Started {
        final CompletableFuture<Integer> status;
        final Runnable cancel;

        Started(CompletableFuture<Integer> status, Runnable cancel) {
            this.status = status;
            this.cancel = cancel;
        }
    }

    interface Library {
        /** Starts a GET of {@code url} with the header {@code X-Marker: marker} on this thread, with whatever token is current. */
        Started start(String url, String marker) throws Exception;
    }

    /** The agent's table of captured tokens ({@code AgentBridge.CAPTURED}), read by reflection. */
    static final class Table {
        static Class<?> bridge() throws ClassNotFoundException {
            return Class.forName("dev.jwtagent.bootstrap.AgentBridge", false, null);
        }

        static Map<?, ?> captured() throws Exception {
            Field field = bridge().getDeclaredField("CAPTURED");
            field.setAccessible(true);
            return (Map<?, ?>) field.get(null);
        }

        static int tokenAndTargetCount() throws Exception {
            Field field = bridge().getDeclaredField("TOKEN_AND_TARGET_CAPTURES");
            field.setAccessible(true);
            return ((AtomicInteger) field.get(null)).get();
        }

        static int tokenAndTargetEntries() throws Exception {
            int entries = 0;
            for (Object value : captured().values()) {
                entries += value.getClass().getSimpleName().equals("TokenAndTarget") ? 1 : 0;
            }
            return entries;
        }

        /** The token value a captured entry holds, or null. */
        static String tokenOf(Object value) throws Exception {
            Object token = value;
            if (value.getClass().getSimpleName().equals("TokenAndTarget") || value.getClass().getSimpleName().equals("RedirectHop")) {
                Field field = value.getClass().getDeclaredField("token");
                field.setAccessible(true);
                token = field.get(value);
            }
            if (token != null && token.getClass().getSimpleName().equals("CarriedToken")) {
                return (String) token.getClass().getMethod("value").invoke(token);
            }
            return null;
        }

        /** Has collected owners' entries cleared (the next capture clears them): one capture and take of a throwaway owner. */
        static void expunge() throws Exception {
            Object owner = new Object();
            CurrentToken.with("sweeper.token.value", () -> {
                bridge().getMethod("captureToken", Object.class).invoke(null, owner);
                return bridge().getMethod("takeCapturedToken", Object.class).invoke(null, owner);
            });
        }

        /** After collecting garbage, the entries still holding one of {@code tokens}, as "kind of whose". */
        static List<String> leftAfterCollection(Map<String, String> tokens) throws Exception {
            List<String> left = new ArrayList<>();
            for (int round = 0; round < 10; round++) {
                WeakReference<Object> sentinel = new WeakReference<>(new Object());
                while (sentinel.get() != null) {
                    System.gc();
                    Thread.sleep(20);
                }
                Thread.sleep(100);
                expunge();
                left.clear();
                for (Object value : captured().values()) {
                    String token = tokenOf(value);
                    for (Map.Entry<String, String> each : tokens.entrySet()) {
                        if (each.getValue().equals(token)) {
                            left.add(value.getClass().getSimpleName() + " of " + each.getKey());
                        }
                    }
                }
                if (left.isEmpty()) {
                    break;
                }
            }
            return left;
        }
    }}
