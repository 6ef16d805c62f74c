package dev.jwtagent.outbound;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** The parsed {@code outbound.allowed-hosts} list: a destination may receive the token if any entry matches. */
public final class AllowedHosts {
    private final List<HostPattern> patterns;
    private final List<String> texts;
    private final boolean everything;
    private final List<String> everyAddressBlocks;

    private AllowedHosts(List<HostPattern> patterns, List<String> texts, boolean everything, List<String> everyAddressBlocks) {
        this.patterns = patterns;
        this.texts = texts;
        this.everything = everything;
        this.everyAddressBlocks = everyAddressBlocks;
    }

    /** @throws IllegalArgumentException naming the entry that is wrong */
    public static AllowedHosts parse(List<String> entries) {
        List<HostPattern> patterns = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        boolean everything = false;
        List<String> everyAddressBlocks = new ArrayList<>();
        for (String entry : entries) {
            HostPattern pattern = HostPattern.parse(entry);
            everything |= pattern instanceof HostPattern.Everything;
            if (pattern instanceof HostPattern.Cidr && ((HostPattern.Cidr) pattern).coversEveryAddress()) {
                everyAddressBlocks.add(entry.trim());
            }
            patterns.add(pattern);
            texts.add(entry.trim().toLowerCase(Locale.ROOT));
        }
        return new AllowedHosts(patterns, Collections.unmodifiableList(texts), everything, Collections.unmodifiableList(everyAddressBlocks));
    }

    /**
     * @param scheme used for the default port when {@code port} is -1
     */
    public boolean allows(String scheme, String host, int port) {
        HostName name = HostName.of(host);
        int effectivePort = port != -1 ? port : defaultPort(scheme);
        for (HostPattern pattern : patterns) {
            if (pattern.matches(name, effectivePort)) {
                return true;
            }
        }
        return false;
    }

    public boolean allowsEverything() {
        return everything;
    }

    /** The entries that allow every IP literal of their family ({@code 0.0.0.0/0}, {@code ::/0}), as written. */
    public List<String> everyAddressBlocks() {
        return everyAddressBlocks;
    }

    public List<String> entries() {
        return texts;
    }

    private static int defaultPort(String scheme) {
        if (scheme == null) {
            return -1;
        }
        switch (scheme.toLowerCase(Locale.ROOT)) {
            case "https":
            case "wss":
                return 443;
            case "http":
            case "ws":
                return 80;
            default:
                return -1;
        }
    }

    @Override
    public String toString() {
        return String.join(",", texts);
    }
}
