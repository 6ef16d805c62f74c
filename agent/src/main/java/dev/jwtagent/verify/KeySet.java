package dev.jwtagent.verify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable set of usable keys, indexed by {@code kid}. A key with a {@code kid} is tried only for
 * tokens naming that kid or naming none; a key without one (PEM files, the secret) for any token.
 */
final class KeySet {
    static final KeySet EMPTY = new KeySet(Collections.emptyList());

    private final List<VerificationKey> keys;
    private final Map<String, List<VerificationKey>> byKid;
    private final List<VerificationKey> unnamed;

    KeySet(List<VerificationKey> keys) {
        List<VerificationKey> all = new ArrayList<>();
        Map<String, List<VerificationKey>> index = new HashMap<>();
        List<VerificationKey> noKid = new ArrayList<>();
        for (VerificationKey key : keys) {
            if (!key.isUsable()) {
                continue;
            }
            all.add(key);
            if (key.kid() == null) {
                noKid.add(key);
            } else {
                List<VerificationKey> named = index.get(key.kid());
                if (named == null) {
                    named = new ArrayList<>();
                    index.put(key.kid(), named);
                }
                named.add(key);
            }
        }
        this.keys = Collections.unmodifiableList(all);
        this.byKid = index;
        this.unnamed = Collections.unmodifiableList(noKid);
    }

    boolean isEmpty() {
        return keys.isEmpty();
    }

    int size() {
        return keys.size();
    }

    boolean hasKid(String kid) {
        return byKid.containsKey(kid);
    }

    /** The keys a token with this kid (may be null) and alg may be verified with, in a stable order. */
    List<VerificationKey> candidates(String kid, String alg) {
        List<VerificationKey> pool;
        if (kid == null) {
            pool = keys;
        } else {
            List<VerificationKey> named = byKid.get(kid);
            pool = named != null ? named : unnamed;
        }
        List<VerificationKey> result = new ArrayList<>(pool.size());
        for (VerificationKey key : pool) {
            if (key.algorithm(alg) != null) {
                result.add(key);
            }
        }
        return result;
    }

    /** Union of the algorithms the keys allow. */
    Set<String> algorithms() {
        Set<String> algs = new HashSet<>();
        for (VerificationKey key : keys) {
            algs.addAll(key.algorithms());
        }
        return algs;
    }

    /**
     * True when some key of this set is missing from {@code newer}, or there for fewer algorithms:
     * tokens verified with it must be verified again.
     */
    boolean losesKeysIn(KeySet newer) {
        outer:
        for (VerificationKey key : keys) {
            for (VerificationKey other : newer.keys) {
                if (key.stillAllowedIn(other)) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
