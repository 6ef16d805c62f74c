package dev.jwtagent.bootstrap;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where the servlet hooks put a Tomcat request's attributes ({@code jwt.agent.subject},
 * {@code jwt.agent.claims}, the decision of a request without claims): in the attribute map of the
 * request's protocol side (Coyote's {@code Request}, a plain {@code HashMap} that Tomcat clears
 * when it recycles the request), not in the servlet side's {@code ConcurrentHashMap}. Tomcat's
 * {@code getAttribute} looks there for any name its own map lacks, so the application, a forward or
 * a later dispatch finds them as before. Putting two entries into the concurrent map and clearing
 * it again when the request was recycled (atomic updates and a lock per entry) was the largest cost
 * the agent added to a request on Tomcat.
 *
 * <p>Tomcat lists ({@code getAttributeNames}) and removes only what its own map holds, so the
 * servlet entry instrumentation calls {@link #surface} first from the request facade's
 * {@code getAttributeNames}, {@code removeAttribute} and {@code setAttribute} (the facade is what the
 * application and a dispatch's request wrapper call; Tomcat's valves and its own code, which call the
 * servlet side directly, do not move them): the agent's entries
 * move into Tomcat's map, through its {@code setAttribute}, before the application lists, removes or
 * replaces them, and from then on everything is as if they had been put there at the start (an
 * application's attribute listener hears of them then). Listing and replacing copy them and leave the
 * protocol side's entries, hidden from then on, so that another thread reading one meanwhile always
 * finds one; only a removal takes them out of the protocol side's map.
 *
 * <p>Reaches the protocol side through the facade's protected field {@code request}, found by
 * reflection for the first request of the facade class; refused or missing (another layout, Tomcat
 * on the module path without its package opened), the hooks call {@code setAttribute} as on any
 * other container.
 */
public final class TomcatAttributes {
    /** The names the hooks put; any other name passes {@link #surface} untouched. */
    private static final String[] NAMES = {AgentBridge.SUBJECT_ATTRIBUTE, AgentBridge.CLAIMS_ATTRIBUTE, AgentBridge.DECISION_ATTRIBUTE};

    /** The name whose entry this thread is moving into Tomcat's map, through Tomcat's setAttribute, or null. */
    private static final ThreadLocal<String> MOVING = new ThreadLocal<>();

    /** The accessor {@link Direct} is to hold, set before it is initialized. */
    private static final AtomicReference<TomcatAttributes> TO_BIND = new AtomicReference<>();

    /** (facade, name, value) -> the protocol side's {@code setAttribute}. */
    private final MethodHandle put;
    /** (facade) -> Tomcat's own attribute map, whose entry of a name hides the protocol side's. */
    private final MethodHandle own;
    private boolean direct;

    private TomcatAttributes(MethodHandle put, MethodHandle own) {
        this.put = put;
        this.own = own;
    }

    /** The accessor for requests of {@code requestClass}, or null when it is not Tomcat's facade or cannot be reached. */
    static TomcatAttributes forRequestClass(Class<?> requestClass) {
        if (!requestClass.getName().equals(TomcatFacade.CLASS_NAME)) {
            return null;
        }
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TomcatFacade facade = TomcatFacade.of(requestClass, lookup);
            Method setAttribute = facade.coyoteType.getMethod("setAttribute", String.class, Object.class);
            MethodHandle put = MethodHandles.filterArguments(lookup.unreflect(setAttribute), 0, facade.coyoteOf)
                    .asType(MethodType.methodType(void.class, Object.class, String.class, Object.class));
            Field ownAttributes = facade.connectorRequest.getType().getDeclaredField("attributes");
            ownAttributes.setAccessible(true);
            MethodHandle own = MethodHandles.filterReturnValue(facade.connectorOf, lookup.unreflectGetter(ownAttributes))
                    .asType(MethodType.methodType(Map.class, Object.class));
            TomcatAttributes attributes = new TomcatAttributes(put, own);
            TO_BIND.compareAndSet(null, attributes);
            attributes.direct = Direct.holds(attributes);
            return attributes;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            AgentBridge.shortcutOff("tomcat-attributes", "Tomcat's request (" + requestClass.getName()
                    + ") cannot be reached directly (" + e.getClass().getName()
                    + "); the request attributes are set through the servlet API, which costs more per request");
            return null;
        }
    }

    /**
     * Puts an attribute where Tomcat's {@code getAttribute} finds it and returns true; what Tomcat throws
     * propagates. Returns false, putting nothing, when Tomcat's own map already holds the name (a later
     * dispatch decided anew, after the application replaced the attribute or the agent's entry moved
     * there): that entry would hide this one, so the caller sets it through the servlet API, which
     * replaces it.
     */
    boolean put(Object facade, String name, Object value) throws Throwable {
        if (direct) {
            if (((Map<?, ?>) Direct.OWN.invokeExact(facade)).containsKey(name)) {
                return false;
            }
            Direct.PUT.invokeExact(facade, name, value);
        } else {
            if (((Map<?, ?>) own.invokeExact(facade)).containsKey(name)) {
                return false;
            }
            put.invokeExact(facade, name, value);
        }
        return true;
    }

    /**
     * Called by Tomcat's request facade ({@code org.apache.catalina.connector.RequestFacade}) before
     * {@code removeAttribute(name)}: when {@code name} is one of the agent's, its entry moves into
     * Tomcat's own map, unless the application has already put a value of its own there, which then
     * stays, and leaves the protocol side's map, or it would show again once removed. Never throws.
     */
    public static Object surface(Object facade, String name) {
        if (name != null && isAgents(name)) {
            move(facade, name, true);
        }
        return null;
    }

    /**
     * Before {@code setAttribute(name, value)}: as {@link #surface}, but the protocol side's entry stays,
     * hidden by the value about to replace it, so that another thread reading the attribute meanwhile
     * finds the old value or the new one, never none (as in Tomcat's concurrent map). A null value is a
     * removal, as in {@link #surface}: Tomcat's {@code setAttribute} then removes the name from its own
     * map, behind the facade, where nothing moves the original. Never throws.
     */
    public static Object surfaceReplaced(Object facade, String name, Object value) {
        if (name != null && isAgents(name)) {
            move(facade, name, value == null);
        }
        return null;
    }

    /** Before {@code getAttributeNames()}: every entry of the agent's is copied into Tomcat's own map. Never throws. */
    public static Object surfaceAll(Object facade) {
        move(facade, null, false);
        return null;
    }

    /** The exit of the methods {@link #surface} runs before: nothing to do. */
    public static void surfaced(Object nothing) {
    }

    private static boolean isAgents(String name) {
        for (String each : NAMES) {
            if (each.equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Copies the agent's entry {@code only} (all of them when null) from the protocol side's map into
     * Tomcat's; when {@code removing} (a removal follows) it also leaves the protocol side's map.
     */
    private static void move(Object facade, String only, boolean removing) {
        try {
            FacadeMethods methods = FacadeMethods.FOR_CLASS.get(facade.getClass());
            if (methods == null) {
                return;
            }
            // Null once Tomcat has recycled the request: the facade's own method then throws, as it should.
            Object connectorRequest = methods.connectorRequest.get(facade);
            if (connectorRequest == null) {
                return;
            }
            Object coyote = methods.getCoyoteRequest.invoke(connectorRequest);
            if (coyote == null) {
                return;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> kept = (Map<String, Object>) methods.coyoteAttributes.invoke(coyote);
            if (kept == null || kept.isEmpty()) {
                return;
            }
            Map<?, ?> own = (Map<?, ?>) methods.ownAttributes.get(connectorRequest);
            String moving = MOVING.get();
            for (String name : NAMES) {
                if ((only != null && !only.equals(name)) || name.equals(moving)) {
                    // Not asked for, or this thread is moving it: called from that setAttribute (or a listener it ran).
                    continue;
                }
                Object value = kept.get(name);
                if (value == null) {
                    continue;
                }
                // An entry in Tomcat's own map is the application's, or one moved before: it stays.
                if (!own.containsKey(name)) {
                    MOVING.set(name);
                    try {
                        methods.setAttribute.invoke(connectorRequest, name, value);
                    } finally {
                        MOVING.set(moving);
                    }
                }
                // Listing or replacing leaves the entry where it was, hidden now, so that a reader on another thread
                // never finds neither; a removal, which follows now, takes it away, or it would show again.
                if (removing) {
                    kept.remove(name);
                }
            }
        } catch (InvocationTargetException | IllegalAccessException | RuntimeException | LinkageError e) {
            // Only the listing of an attribute can be wrong; Tomcat's message is not logged (it may quote a value).
            AgentBridge.shortcutOff("tomcat-attributes-move", "the agent's request attributes could not be moved into"
                    + " Tomcat's own map (" + e.getClass().getName() + "); getAttributeNames may not list them");
        }
    }

    /** What {@link #move} reads and calls from a request facade class, or null when it is not Tomcat's. */
    private static final class FacadeMethods {
        static final ClassValue<FacadeMethods> FOR_CLASS = new ClassValue<FacadeMethods>() {
            @Override
            protected FacadeMethods computeValue(Class<?> type) {
                try {
                    return new FacadeMethods(type);
                } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                    return null;
                }
            }
        };

        /** The facade's field holding the servlet-side request. */
        final Field connectorRequest;
        final Method getCoyoteRequest;
        final Method coyoteAttributes;
        /** Tomcat's own attribute map, which getAttribute reads first. */
        final Field ownAttributes;
        final Method setAttribute;

        private FacadeMethods(Class<?> facadeType) throws ReflectiveOperationException {
            connectorRequest = facadeType.getDeclaredField("request");
            connectorRequest.setAccessible(true);
            Class<?> type = connectorRequest.getType();
            getCoyoteRequest = type.getMethod("getCoyoteRequest");
            coyoteAttributes = getCoyoteRequest.getReturnType().getMethod("getAttributes");
            ownAttributes = getCoyoteRequest.getDeclaringClass().getDeclaredField("attributes");
            ownAttributes.setAccessible(true);
            setAttribute = type.getMethod("setAttribute", String.class, Object.class);
        }
    }

    /**
     * The handle of the first facade class reached (a JVM runs one Tomcat), in a static final field,
     * which the JIT compiles like a direct call (see {@code TomcatHeaders}).
     */
    private static final class Direct {
        private static final TomcatAttributes BOUND = TO_BIND.get();
        private static final MethodHandle PUT = BOUND.put;
        private static final MethodHandle OWN = BOUND.own;

        private Direct() {
        }

        static boolean holds(TomcatAttributes attributes) {
            try {
                return BOUND == attributes;
            } catch (LinkageError e) {
                return false;
            }
        }
    }
}
