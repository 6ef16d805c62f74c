package dev.jwtagent.log;

import dev.jwtagent.verify.Fingerprint;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.simple.SimpleLoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's own logging: a relocated SLF4J simple binding writing to standard error, never
 * the application's logging. Messages never carry a token; name one by its fingerprint.
 */
public final class AgentLog {
    private static final long RATE_LIMIT_NANOS = 60_000_000_000L;
    private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();
    private static final ConcurrentMap<String, AtomicLong> LAST_LOGGED = new ConcurrentHashMap<>();
    private static final int MAX_DETAILED_KEYS = 256;
    private static final AtomicLong LAST_FORGOTTEN = new AtomicLong(System.nanoTime() - 1_000_000_000L);
    private static final int MAX_CAUSE_DEPTH = 16;
    /** Parts shorter than this are not secret on their own ("Bearer", most JOSE headers' fields). */
    private static final int MIN_PART_LENGTH = 8;
    private static final Comparator<String[]> LONGEST_FIRST = new Comparator<String[]>() {
        @Override
        public int compare(String[] a, String[] b) {
            return Integer.compare(b[0].length(), a[0].length());
        }
    };

    private AgentLog() {
    }

    /**
     * Must run before the first logger is created. The property names below are relocated with
     * the binding, so they never touch an application's own SLF4J simple settings.
     */
    public static void configure(String level) {
        startupWarningsShown = !"error".equalsIgnoreCase(level);
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        if ("warn".equalsIgnoreCase(level) || "error".equalsIgnoreCase(level)) {
            // The one startup line (SPEC 6) is printed at every level: it says what the agent is doing.
            System.setProperty("org.slf4j.simpleLogger.log.jwt-agent.startup", "info");
        }
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        // The date format is the agent's own (LogTimestamps), installed with the first logger.
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showLogName", "true");
    }

    /** False at {@code log.level=error}: the startup logger is pinned to info, for the startup line alone. */
    private static volatile boolean startupWarningsShown = true;

    /**
     * A warning of the startup logger ({@code jwt-agent.startup}), which prints at every level for
     * the startup line's sake: left out at {@code log.level=error}, as every other warning is.
     */
    public static void startupWarning(Logger startupLog, String format, Object... arguments) {
        if (startupWarningsShown) {
            startupLog.warn(format, arguments);
        }
    }

    public static Logger logger(String area) {
        return Binding.FACTORY.getLogger("jwt-agent." + area);
    }

    /**
     * The binding, created directly: SLF4J's {@code LoggerFactory} would look for providers with a
     * service loader (class path resources, a fallback provider, MDC), about 15 ms at startup, to
     * find the one the agent carries. Its timestamp format is installed once it has read its
     * configuration.
     */
    private static final class Binding {
        private static final ILoggerFactory FACTORY = create();

        /**
         * The binding looks for a {@code simplelogger.properties} through the thread's context class
         * loader: the application's file is not the agent's configuration (and the search of the JDK's
         * modules and the class path costs startup time), so it is shown a loader without resources.
         */
        private static ILoggerFactory create() {
            Thread thread = Thread.currentThread();
            ClassLoader context = thread.getContextClassLoader();
            thread.setContextClassLoader(new ClassLoader(null) {
                @Override
                public java.io.InputStream getResourceAsStream(String name) {
                    return null;
                }
            });
            try {
                ILoggerFactory factory = new SimpleLoggerFactory();
                LogTimestamps.install();
                return factory;
            } finally {
                thread.setContextClassLoader(context);
            }
        }
    }

    /** True the first time it is asked for {@code key}: for faults logged once with their stack trace. */
    public static boolean firstTime(String key) {
        return ONCE.add(key);
    }

    /** True at most once a minute per {@code key}: for events a client can repeat at will. */
    public static boolean rateLimited(String key) {
        return rateLimitedKey(key, System.nanoTime());
    }

    /**
     * {@link #rateLimited} per {@code kind} and {@code detail} (a host name, say), for details a
     * client chooses at will: at most {@value #MAX_DETAILED_KEYS} keys are remembered at a time, and
     * while that many were used in the last minute, any other detail shares one key of its kind
     * ({@code kind:*}), so that neither the log nor the memory grows with the number of details.
     */
    public static boolean rateLimited(String kind, String detail) {
        long now = System.nanoTime();
        String key = kind + ":" + detail;
        if (LAST_LOGGED.size() >= MAX_DETAILED_KEYS && !LAST_LOGGED.containsKey(key)) {
            forgetStaleKeys(now);
            if (LAST_LOGGED.size() >= MAX_DETAILED_KEYS) {
                key = kind + ":*";
            }
        }
        return rateLimitedKey(key, now);
    }

    /** How many keys {@link #rateLimited} remembers now. */
    static int rememberedKeys() {
        return LAST_LOGGED.size();
    }

    /** Drops the keys last logged a minute ago or more (they would log again anyway); at most once a second. */
    private static void forgetStaleKeys(long now) {
        long last = LAST_FORGOTTEN.get();
        if (now - last < 1_000_000_000L || !LAST_FORGOTTEN.compareAndSet(last, now)) {
            return;
        }
        for (java.util.Iterator<AtomicLong> keys = LAST_LOGGED.values().iterator(); keys.hasNext(); ) {
            if (now - keys.next().get() >= RATE_LIMIT_NANOS) {
                keys.remove();
            }
        }
    }

    private static boolean rateLimitedKey(String key, long now) {
        AtomicLong last = LAST_LOGGED.get(key);
        if (last == null) {
            AtomicLong created = new AtomicLong(now - RATE_LIMIT_NANOS);
            last = LAST_LOGGED.putIfAbsent(key, created);
            last = last == null ? created : last;
        }
        long previous = last.get();
        return now - previous >= RATE_LIMIT_NANOS && last.compareAndSet(previous, now);
    }

    /**
     * The fault as it may be logged: when its message, or that of a cause or suppressed exception,
     * contains one of {@code secrets} (a token, a header value) or a dot-separated part of one, a
     * copy with the same class names and stack traces in which each secret is replaced by its
     * fingerprint and each part by {@code <redacted>}. Otherwise the fault itself.
     */
    public static Throwable withoutSecrets(Throwable fault, String... secrets) {
        List<String[]> replacements = replacements(secrets);
        if (fault == null || replacements.isEmpty() || !mentions(fault, replacements, 0)) {
            return fault;
        }
        return copy(fault, replacements, 0);
    }

    /**
     * The fault as it may be logged where the token it may quote is not known: a hook on an I/O
     * thread, which holds no token, writes one captured on the caller's thread. Text in its
     * messages shaped like a token is treated as {@link #withoutSecrets} treats a known one.
     */
    public static Throwable withoutTokens(Throwable fault) {
        List<String> found = new ArrayList<>();
        collectTokens(fault, found, 0);
        return found.isEmpty() ? fault : withoutSecrets(fault, found.toArray(new String[0]));
    }

    private static void collectTokens(Throwable t, List<String> found, int depth) {
        if (t == null || depth > MAX_CAUSE_DEPTH) {
            return;
        }
        Matcher tokens = TokenShape.COMPACT_JWS.matcher(t.toString());
        while (tokens.find()) {
            found.add(tokens.group());
        }
        for (Throwable suppressed : t.getSuppressed()) {
            collectTokens(suppressed, found, depth + 1);
        }
        if (t.getCause() != t) {
            collectTokens(t.getCause(), found, depth + 1);
        }
    }

    /**
     * The fault as it may be logged when it may quote a secret that is not known here (a request
     * wrapper's exception about a header the agent never got to read): a copy with the same class
     * names and stack traces, and no message at all, its causes' and suppressed exceptions' alike.
     */
    public static Throwable withoutMessages(Throwable fault) {
        return fault == null ? null : copyWithoutMessages(fault, 0);
    }

    private static Throwable copyWithoutMessages(Throwable t, int depth) {
        Throwable cause = t.getCause() == null || t.getCause() == t || depth >= MAX_CAUSE_DEPTH
                ? null : copyWithoutMessages(t.getCause(), depth + 1);
        String text = t.getMessage() == null ? t.getClass().getName() : t.getClass().getName() + ": <message withheld>";
        RedactedFault copy = new RedactedFault(text, cause);
        copy.setStackTrace(t.getStackTrace());
        for (Throwable suppressed : t.getSuppressed()) {
            if (depth < MAX_CAUSE_DEPTH) {
                copy.addSuppressed(copyWithoutMessages(suppressed, depth + 1));
            }
        }
        return copy;
    }

    private static List<String[]> replacements(String... secrets) {
        List<String[]> result = new ArrayList<>();
        for (String secret : secrets) {
            if (secret == null || secret.trim().length() < MIN_PART_LENGTH) {
                continue;
            }
            String whole = secret.trim();
            result.add(new String[] {whole, Fingerprint.of(whole)});
            for (String part : whole.split("[.\\s]+")) {
                if (part.length() >= MIN_PART_LENGTH && !part.equals(whole)) {
                    result.add(new String[] {part, "<redacted>"});
                }
            }
        }
        result.sort(LONGEST_FIRST);
        return result;
    }

    private static boolean mentions(Throwable t, List<String[]> replacements, int depth) {
        if (t == null || depth > MAX_CAUSE_DEPTH) {
            return false;
        }
        String text = t.toString();
        for (String[] r : replacements) {
            if (text.contains(r[0])) {
                return true;
            }
        }
        for (Throwable suppressed : t.getSuppressed()) {
            if (mentions(suppressed, replacements, depth + 1)) {
                return true;
            }
        }
        return t.getCause() != t && mentions(t.getCause(), replacements, depth + 1);
    }

    private static Throwable copy(Throwable t, List<String[]> replacements, int depth) {
        Throwable cause = t.getCause() == null || t.getCause() == t || depth >= MAX_CAUSE_DEPTH
                ? null : copy(t.getCause(), replacements, depth + 1);
        String text = t.toString();
        for (String[] r : replacements) {
            text = text.replace(r[0], r[1]);
        }
        RedactedFault copy = new RedactedFault(text, cause);
        copy.setStackTrace(t.getStackTrace());
        for (Throwable suppressed : t.getSuppressed()) {
            if (depth < MAX_CAUSE_DEPTH) {
                copy.addSuppressed(copy(suppressed, replacements, depth + 1));
            }
        }
        return copy;
    }

    /** Compiled when a fault is first logged, not as the agent starts. */
    private static final class TokenShape {
        /**
         * Text shaped like a token the agent carries: three base64url segments, none shorter than a
         * verified token's can be (a header naming its alg, a payload with exp, an HS256 signature).
         * Matched from the start of a run only and without backtracking into it, so that a long run
         * of such characters in a message costs linear time, not quadratic.
         */
        static final Pattern COMPACT_JWS = Pattern.compile(
                "(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{20,}+\\.[A-Za-z0-9_-]{12,}+\\.[A-Za-z0-9_-]{43,}+");
    }

    /** A logged stand-in for a fault whose text held a secret; prints as the original class and redacted message. */
    private static final class RedactedFault extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String text;

        RedactedFault(String text, Throwable cause) {
            super(text, cause, true, true);
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
