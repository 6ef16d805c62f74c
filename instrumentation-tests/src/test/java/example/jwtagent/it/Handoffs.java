package example.jwtagent.it;

import java.util.concurrent.Callable;

/**
 * How a test service hands its downstream call to other threads, by name. {@code direct} calls
 * on the request thread.
 */
public final class Handoffs {
    private Handoffs() {
    }

    public static int run(String via, Callable<Integer> call) throws Exception {
        if (via == null || via.equals("direct")) {
            return call.call();
        }
        throw new IllegalArgumentException("no hand-off named " + via);
    }
}
