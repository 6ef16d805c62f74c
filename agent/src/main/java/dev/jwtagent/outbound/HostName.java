package dev.jwtagent.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * A destination host exactly as the request names it, normalised (lower case, no brackets,
 * no trailing dot) and classified without any DNS lookup.
 */
final class HostName {
    /**
     * Decimal parts without a leading zero: Java reads "010.8.8.8" as 10.8.8.8, but the C library's
     * resolver, and proxies built on it, read the leading zero as octal (8.8.8.8).
     */
    private static final Pattern DOTTED_QUAD = Pattern.compile("(0|[1-9]\\d{0,2})(\\.(0|[1-9]\\d{0,2})){3}");

    final String name;
    /** The address when the host is a canonical IP literal; null for names. */
    final InetAddress address;
    /**
     * True for hosts that some resolvers read as an IP address although they are not written
     * as one ("2130706433", "0x7f.0.0.1", "127.1", "010.8.8.8"). They match only the pattern {@code *}.
     */
    final boolean ambiguous;
    /**
     * True when the request wrote the name with a trailing dot ("orders."): absolute, so a resolver
     * tries no search domain with it, and a single label names a top-level domain of the DNS.
     */
    final boolean absolute;

    private HostName(String name, InetAddress address, boolean ambiguous, boolean absolute) {
        this.name = name;
        this.address = address;
        this.ambiguous = ambiguous;
        this.absolute = absolute;
    }

    static HostName of(String host) {
        if (host == null || host.isEmpty()) {
            return new HostName("", null, true, false);
        }
        String h = asciiLowerCase(host);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        boolean absolute = h.endsWith(".");
        if (absolute) {
            h = h.substring(0, h.length() - 1);
        }
        // An IPv6 zone ("%eth0", "%25br-1a2b") names an interface, not a place: the address decides.
        // Parsed with it, a zone naming no interface here made the host no literal, and a name
        // without a dot: a single-label host, which "internal" allows, for any public address.
        int zone = h.indexOf('%');
        InetAddress literal = literal(zone >= 0 && h.indexOf(':') >= 0 ? h.substring(0, zone) : h);
        if (literal != null) {
            return new HostName(h, literal, false, absolute);
        }
        // A host name has no ':': anything with one that is no IPv6 literal matches only "*". Nor has it
        // any character beyond letters, digits, '-', '_' and '.': a client or resolver may map others
        // ("evil\u3002com", with an ideographic full stop, is evil.com to IDNA), so they match only "*".
        // Nor an empty label (".orders.svc", "a..svc"): no subdomain of any suffix, and no name a resolver looks up.
        boolean ambiguous = h.isEmpty() || h.indexOf(':') >= 0 || h.indexOf('%') >= 0 || !plainName(h) || looksNumeric(h)
                || h.startsWith(".") || h.endsWith(".") || h.contains("..");
        return new HostName(h, null, ambiguous, absolute);
    }

    /** Parses canonical IPv4 dotted quads and IPv6 literals only; never resolves a name. */
    static InetAddress literal(String h) {
        try {
            if (DOTTED_QUAD.matcher(h).matches()) {
                for (String part : h.split("\\.")) {
                    if (Integer.parseInt(part) > 255) {
                        return null;
                    }
                }
                return InetAddress.getByName(h);
            }
            if (h.indexOf(':') >= 0 && h.matches("[0-9a-f:.]+")) {
                // An IPv4 tail ("::ffff:10.0.0.1") must be canonical too.
                int tail = h.lastIndexOf(':') + 1;
                if (h.indexOf('.') >= 0 && !DOTTED_QUAD.matcher(h.substring(tail)).matches()) {
                    return null;
                }
                return InetAddress.getByName(h);
            }
        } catch (UnknownHostException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /**
     * Lower case for ASCII letters only: {@code String.toLowerCase} turns the Kelvin sign (U+212A) into
     * 'k': a name written with it passed for the ASCII name, which its client never looks up.
     */
    private static String asciiLowerCase(String host) {
        char[] chars = host.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] >= 'A' && chars[i] <= 'Z') {
                chars[i] = (char) (chars[i] + ('a' - 'A'));
            }
        }
        return new String(chars);
    }

    private static boolean plainName(String h) {
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static boolean looksNumeric(String h) {
        // Every label must be a number (decimal, octal or 0x-hex) for a resolver to read it as IPv4.
        for (String label : h.split("\\.", -1)) {
            if (label.isEmpty()) {
                return false;
            }
            if (!label.matches("0x[0-9a-f]*|[0-9]+")) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code resolvedName}, the name a resolver gave the address it found for this host, is
     * this name completed by one of its search domains ({@code orders} as
     * {@code orders.ns.svc.cluster.local}). A name written absolute, an IP literal, a name some
     * resolver reads as an address, and a completion with an empty label are never completions.
     */
    boolean completedAs(String resolvedName) {
        if (address != null || ambiguous || absolute || resolvedName == null) {
            return false;
        }
        String resolved = asciiLowerCase(resolvedName);
        if (resolved.endsWith(".")) {
            resolved = resolved.substring(0, resolved.length() - 1);
        }
        int cut = name.length();
        return resolved.length() > cut + 1 && resolved.startsWith(name) && resolved.charAt(cut) == '.'
                && !resolved.endsWith(".") && resolved.indexOf("..", cut) < 0;
    }

    /** A name of one label as a resolver completes it with its search domains: not written absolute ("orders."). */
    boolean isSingleLabel() {
        return address == null && !ambiguous && !absolute && name.indexOf('.') < 0;
    }
}
