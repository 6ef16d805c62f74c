package dev.jwtagent.bootstrap;

/**
 * Opened by the outermost servlet or filter call of a request, closed when that call exits
 * (also when it throws): the thread then holds exactly what it held before.
 */
public final class RequestScope {
    private static final ThreadLocal<Object> ACTIVE_REQUEST = new ThreadLocal<>();

    private final CarriedToken previousToken;
    private final Object previousRequest;

    private RequestScope(CarriedToken previousToken, Object previousRequest) {
        this.previousToken = previousToken;
        this.previousRequest = previousRequest;
    }

    /** True while an outer servlet or filter call on this thread already decided. */
    public static boolean insideRequest() {
        return ACTIVE_REQUEST.get() != null;
    }

    public static RequestScope open(Object request, CarriedToken token) {
        Object previousRequest = ACTIVE_REQUEST.get();
        ACTIVE_REQUEST.set(request);
        return new RequestScope(TokenCarrier.swap(token), previousRequest);
    }

    /** Puts back what the thread held; null is stored rather than removed (see {@link TokenCarrier#restore}). */
    public void close() {
        TokenCarrier.restore(previousToken);
        ACTIVE_REQUEST.set(previousRequest);
    }
}
