package dev.jwtagent.bootstrap;

import java.util.AbstractMap;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * The verified claims as the application finds them in the request attribute
 * {@code jwt.agent.claims}: an unmodifiable view of the decision's claims that also names the
 * decision, so that a later dispatch of the request (async, error) finds the decision in the same
 * attribute instead of one more attribute set on every request.
 */
final class DecisionClaims extends AbstractMap<String, Object> {
    private final InboundDecision decision;
    private final Map<String, Object> claims;

    DecisionClaims(InboundDecision decision, Map<String, Object> claims) {
        this.decision = decision;
        this.claims = claims;
    }

    InboundDecision decision() {
        return decision;
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
