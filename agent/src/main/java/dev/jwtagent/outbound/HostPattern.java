package dev.jwtagent.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;

/**
 * One entry of {@code outbound.allowed-hosts}: {@code orders}, {@code orders:8443},
 * {@code *.svc.cluster.local}, {@code 10.0.0.0/8}, {@code fd00::/8}, {@code internal} or {@code *}.
 * Matching is on the name in the request, never on a DNS lookup.
 */
abstract class HostPattern {

    abstract boolean matches(HostName host, int port);

    static HostPattern parse(String text) {
        String p = text.trim().toLowerCase(Locale.ROOT);
        if (p.isEmpty()) {
            throw new IllegalArgumentException("empty host pattern");
        }
        if (p.equals("*")) {
            return new Everything();
        }
        if (p.equals("internal")) {
            return new Internal();
        }
        if (p.indexOf('@') >= 0 || (p.contains("://") && p.indexOf('?') >= 0)) {
            // User info or a URL's query may hold credentials: such an entry is not quoted.
            throw new IllegalArgumentException("an entry holding " + (p.indexOf('@') >= 0 ? "'@'" : "a query")
                    + " (not shown: it may hold credentials) is not a host: give the host alone (with a port if need be)");
        }
        if (p.contains("://")) {
            throw new IllegalArgumentException("'" + text + "' is a URL: give the host alone (with a port if need be)");
        }
        if (p.contains("/")) {
            return Cidr.parse(p);
        }
        if (p.startsWith("*.")) {
            String suffix = p.substring(1);
            if (suffix.length() < 2 || suffix.contains("*") || !validName(suffix.substring(1))) {
                throw new IllegalArgumentException("'" + text + "' is not a valid suffix pattern");
            }
            return new Suffix(suffix);
        }
        if (p.contains("*")) {
            throw new IllegalArgumentException("'" + text + "': '*' is allowed only as '*' or a leading '*.'");
        }
        String host = p;
        int port = -1;
        if (p.startsWith("[")) {
            int close = p.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "' has an unclosed '['");
            }
            host = p.substring(0, close + 1);
            if (close + 1 < p.length()) {
                if (p.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("'" + text + "' is not host or host:port");
                }
                port = parsePort(text, p.substring(close + 2));
            }
        } else if (p.indexOf(':') >= 0 && p.indexOf(':') == p.lastIndexOf(':')) {
            int colon = p.indexOf(':');
            host = p.substring(0, colon);
            port = parsePort(text, p.substring(colon + 1));
        }
        HostName name = HostName.of(host);
        if (name.address == null && !validName(name.name)) {
            throw new IllegalArgumentException("'" + text + "' is not a valid host name");
        }
        if (name.ambiguous) {
            // Such a host ("127.1", "010.0.0.1") matches only '*': as a pattern it would never match.
            throw new IllegalArgumentException("'" + text + "' is neither a host name nor a canonical IP address");
        }
        return new Exact(name, port);
    }

    private static int parsePort(String text, String port) {
        try {
            int value = Integer.parseInt(port);
            if (value < 1 || value > 65535) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has an invalid port");
        }
    }

    private static boolean validName(String name) {
        return name.matches("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*");
    }

    static final class Everything extends HostPattern {
        @Override
        boolean matches(HostName host, int port) {
            return !host.name.isEmpty();
        }
    }

    static final class Exact extends HostPattern {
        private final HostName host;
        private final int port;

        Exact(HostName host, int port) {
            this.host = host;
            this.port = port;
        }

        @Override
        boolean matches(HostName candidate, int candidatePort) {
            if (port != -1 && port != candidatePort) {
                return false;
            }
            if (host.address != null) {
                return host.address.equals(candidate.address);
            }
            return !candidate.ambiguous && host.name.equals(candidate.name);
        }
    }

    static final class Suffix extends HostPattern {
        private final String dotSuffix;

        Suffix(String dotSuffix) {
            this.dotSuffix = dotSuffix;
        }

        @Override
        boolean matches(HostName host, int port) {
            return host.address == null && !host.ambiguous && host.name.endsWith(dotSuffix)
                    && host.name.length() > dotSuffix.length();
        }
    }

    static final class Cidr extends HostPattern {
        private final byte[] network;
        private final int prefixLength;

        private Cidr(byte[] network, int prefixLength) {
            this.network = network;
            this.prefixLength = prefixLength;
        }

        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            InetAddress address = HostName.literal(text.substring(0, slash));
            int prefix;
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (address == null || prefix < 0 || prefix > address.getAddress().length * 8) {
                throw new IllegalArgumentException("'" + text + "' is not a valid CIDR block");
            }
            return new Cidr(address.getAddress(), prefix);
        }

        /** A block of prefix length 0 ({@code 0.0.0.0/0}, {@code ::/0}): every address of its family. */
        boolean coversEveryAddress() {
            return prefixLength == 0;
        }

        @Override
        boolean matches(HostName host, int port) {
            return host.address != null && contains(network, prefixLength, host.address);
        }

        static boolean contains(byte[] network, int prefixLength, InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            int fullBytes = prefixLength / 8;
            for (int i = 0; i < fullBytes; i++) {
                if (candidate[i] != network[i]) {
                    return false;
                }
            }
            int remainingBits = prefixLength % 8;
            if (remainingBits == 0) {
                return true;
            }
            int mask = (0xff << (8 - remainingBits)) & 0xff;
            return (candidate[fullBytes] & mask) == (network[fullBytes] & mask);
        }
    }

    /** localhost, loopback and private literals, single-label names and cluster-internal suffixes. */
    static final class Internal extends HostPattern {
        private static final String[] INTERNAL_SUFFIXES = {".localhost", ".svc", ".cluster.local", ".internal", ".local"};

        /** Parsed with the first address literal to match, not when the setting is read at startup. */
        private static final class PrivateBlocks {
            static final Cidr[] V4 = {
                    Cidr.parse("127.0.0.0/8"), Cidr.parse("10.0.0.0/8"), Cidr.parse("172.16.0.0/12"), Cidr.parse("192.168.0.0/16")};
            static final Cidr[] V6 = {Cidr.parse("::1/128"), Cidr.parse("fc00::/7")};
        }

        @Override
        boolean matches(HostName host, int port) {
            if (host.address instanceof Inet4Address) {
                return anyContains(PrivateBlocks.V4, host);
            }
            if (host.address instanceof Inet6Address) {
                return anyContains(PrivateBlocks.V6, host);
            }
            if (host.ambiguous) {
                return false;
            }
            if (host.name.equals("localhost") || host.isSingleLabel()) {
                return true;
            }
            for (String suffix : INTERNAL_SUFFIXES) {
                if (host.name.endsWith(suffix) && host.name.length() > suffix.length()) {
                    return true;
                }
            }
            return false;
        }

        private static boolean anyContains(Cidr[] blocks, HostName host) {
            for (Cidr block : blocks) {
                if (block.matches(host, -1)) {
                    return true;
                }
            }
            return false;
        }
    }
}
