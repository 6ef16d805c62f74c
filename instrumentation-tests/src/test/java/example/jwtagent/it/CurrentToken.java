package example.jwtagent.it;

import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * Runs code of the test's with a token current on its thread, or none, as a request's own code
 * (or a task handed over without one) would be. The carrier lives on the bootstrap class path;
 * this module does not compile against the agent.
 */
final class CurrentToken {
    private CurrentToken() {
    }

    /** Runs {@code action} with {@code token} current, or with none when it is null; the thread's token is put back after. */
    static <T> T with(String token, Callable<T> action) throws Exception {
        return withExpiry(token, Instant.now().plusSeconds(600).toEpochMilli(), action);
    }

    /** As {@link #with}, the token carried as expiring at {@code expiresAtMillis}, as the agent reads it from its {@code exp}. */
    static <T> T withExpiry(String token, long expiresAtMillis, Callable<T> action) throws Exception {
        Class<?> carrier = Class.forName("dev.jwtagent.bootstrap.TokenCarrier");
        Class<?> carried = Class.forName("dev.jwtagent.bootstrap.CarriedToken");
        Object current = token == null ? null : carried.getConstructor(String.class, long.class, String.class)
                .newInstance(token, expiresAtMillis, RawJws.fingerprint(token));
        Object previous = carrier.getMethod("swap", carried).invoke(null, current);
        try {
            return action.call();
        } finally {
            carrier.getMethod("restore", carried).invoke(null, previous);
        }
    }
}
