package dev.jwtagent.bootstrap;

import java.io.Serializable;
import java.util.AbstractMap;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * The verified claims as the application finds them in the request attribute
 * {@code jwt.agent.claims}: an unmodifiable view of the decision's claims that also names the
 * decision, so that a later dispatch of the request (async, error) finds the decision in the same
 * attribute instead of one more attribute set on every request.
 *
 * <p>An application may keep the map (in a session that is persisted or replicated, say): it
 * serializes as the plain claims map, never with the decision, which holds the token.
 */
final class DecisionClaims extends AbstractMap<String, Object> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final transient InboundDecision decision;
    private final Map<String, Object> claims;

    DecisionClaims(InboundDecision decision, Map<String, Object> claims) {
        this.decision = decision;
        this.claims = claims;
    }

    InboundDecision decision() {
        return decision;
    }

    /** Serialized as the claims map itself: the decision and its token never leave the JVM this way. */
    private Object writeReplace() {
        return claims;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return claims.entrySet();
    }

    @Override
    public Object get(Object key) {
        return claims.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return claims.containsKey(key);
    }

    @Override
    public int size() {
        return claims.size();
    }

    @Override
    public Set<String> keySet() {
        return claims.keySet();
    }

    @Override
    public Collection<Object> values() {
        return claims.values();
    }
}
