package dev.jwtagent.bootstrap;

/**
 * Opened by the outermost servlet or filter call of a request, closed when that call exits
 * (also when it throws), on the same thread: the thread then holds exactly what it held before.
 * The request and the token live in the thread's {@link TokenCarrier.Slot}. The servlet hooks
 * open one only when the thread held a token before the request; otherwise they hand the slot
 * itself to their exit, which empties it ({@link ServletHooks#exit}).
 */
public final class RequestScope {
    private final TokenCarrier.Slot slot;
    private final CarriedToken previousToken;
    private final Object previousRequest;

    private RequestScope(TokenCarrier.Slot slot) {
        this.slot = slot;
        this.previousToken = slot.token;
        this.previousRequest = slot.request;
    }

    /** True while an outer servlet or filter call on this thread already decided. */
    public static boolean insideRequest() {
        TokenCarrier.Slot slot = TokenCarrier.existingSlot();
        return slot != null && slot.request != null;
    }

    public static RequestScope open(Object request, CarriedToken token) {
        return open(TokenCarrier.slot(), request, token);
    }

    static RequestScope open(TokenCarrier.Slot slot, Object request, CarriedToken token) {
        RequestScope scope = new RequestScope(slot);
        scope.slot.request = request;
        scope.slot.token = token;
        return scope;
    }

    public void close() {
        slot.token = previousToken;
        slot.request = previousRequest;
    }
}
