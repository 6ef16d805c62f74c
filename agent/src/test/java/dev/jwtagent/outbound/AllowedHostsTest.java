package dev.jwtagent.outbound;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AllowedHostsTest {

    private static AllowedHosts hosts(String... patterns) {
        return AllowedHosts.parse(Arrays.asList(patterns));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "api.localhost", "127.0.0.1", "127.10.0.3", "10.1.2.3", "172.16.0.1", "172.31.255.255",
            "192.168.1.1", "::1", "[::1]", "fd12::1", "orders", "orders.svc", "orders.ns.svc.cluster.local", "db.internal",
            "printer.local", "ORDERS", "localhost.", "orders.svc.", "my_service", "xn--bcher-kva.internal", "10.0.0.0", "::ffff:10.0.0.1"})
    void internalAllowsClusterAndLoopbackDestinations(String host) {
        assertTrue(hosts("internal").allows("http", host, 8080), host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "8.8.8.8", "172.32.0.1", "192.169.0.1", "2001:db8::1", "evil.com.local.example",
            "orders.svc.evil.com", "2130706433", "134744072", "0x7f.0.0.1", "127.1", "", "internal.example.org",
            "010.8.8.8", "172.016.0.1", "10.0.0.010", "0127.0.0.1", "::ffff:010.8.8.8", "[::ffff:010.8.8.8]",
            "evil\u3002com", "evil\uff0ecom", "\u0435vil", "orders svc", "orders/x", "a@evil.com",
            "orders.", "com.", "ORDERS.", ".orders.svc", "a..svc", "orders.svc..", "..svc"})
    void internalRefusesPublicAndAmbiguousDestinations(String host) {
        assertFalse(hosts("internal").allows("https", host, 443), host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"x.ban\u212A.internal", "\u212Aafka", "orders.\u212A8s.local"})
    void aNonAsciiLetterThatLowerCasesToAsciiMatchesOnlyStar(String host) {
        // The Kelvin sign lower-cases to 'k' in Java; the client sends the name as written, and its
        // resolver looks up a name that is not the one allowed.
        assertFalse(hosts("internal").allows("http", host, 80), host);
        assertFalse(hosts("*.bank.internal", "kafka", "*.k8s.local").allows("http", host, 80), host);
        assertTrue(hosts("*").allows("http", host, 80), host);
    }

    @Test
    void aNameWithAnEmptyLabelIsNoSubdomainOfASuffix() {
        AllowedHosts allowed = hosts("*.svc.cluster.local", "orders");
        assertTrue(allowed.allows("http", "a.svc.cluster.local.", 80));
        for (String host : new String[] {"..svc.cluster.local", "a..svc.cluster.local", ".a.svc.cluster.local", ".orders", "orders.."}) {
            assertFalse(allowed.allows("http", host, 80), host);
            assertTrue(hosts("*").allows("http", host, 80), host);
        }
    }

    @Test
    void exactHostMatchesAnyPortAndIgnoresCase() {
        AllowedHosts allowed = hosts("orders");
        assertTrue(allowed.allows("http", "orders", 80));
        assertTrue(allowed.allows("http", "Orders", 9000));
        assertFalse(allowed.allows("http", "orders2", 80));
        assertFalse(allowed.allows("http", "x.orders", 80));
    }

    @Test
    void hostAndPortMatchesOnlyThatPortIncludingTheSchemeDefault() {
        AllowedHosts allowed = hosts("orders:8443", "billing:443");
        assertTrue(allowed.allows("https", "orders", 8443));
        assertFalse(allowed.allows("https", "orders", 443));
        assertFalse(allowed.allows("https", "orders", -1));
        assertTrue(allowed.allows("https", "billing", -1), "https without a port is port 443");
        assertFalse(allowed.allows("http", "billing", -1), "http without a port is port 80");
    }

    @Test
    void suffixPatternMatchesSubdomainsOnly() {
        AllowedHosts allowed = hosts("*.svc.cluster.local");
        assertTrue(allowed.allows("http", "orders.shop.svc.cluster.local", 80));
        assertFalse(allowed.allows("http", "svc.cluster.local", 80));
        assertFalse(allowed.allows("http", "orders.svc.cluster.local.evil.com", 80));
        assertFalse(allowed.allows("http", "evilsvc.cluster.local", 80));
    }

    @Test
    void cidrMatchesIpLiteralsOnlyNeverNames() {
        AllowedHosts allowed = hosts("10.0.0.0/8", "fd00::/8");
        assertTrue(allowed.allows("http", "10.20.30.40", 80));
        assertFalse(allowed.allows("http", "11.0.0.1", 80));
        assertTrue(allowed.allows("http", "[fd00::5]", 80));
        assertFalse(allowed.allows("http", "fe80::1", 80));
        assertFalse(allowed.allows("http", "ten.example", 80), "a name is never resolved to match a CIDR block");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[2606:4700::1%br-1a2b]", "2606:4700::1%br-1a2b", "[2606:4700::1%25cilium_host]", "2606:4700::1%enP1s1",
            "2606:4700::1%eth0", "[2606:4700::1%1]", "2606:4700::zz", "orders:evil", "a%b"})
    void anIpv6ZoneNeverMakesAPublicAddressInternal(String host) {
        // Before, a zone naming no interface of this machine left the host unparsed: a single-label name.
        assertFalse(hosts("internal").allows("http", host, 80), host);
        assertFalse(hosts("orders", "*.local").allows("http", host, 80), host);
    }

    @Test
    void anIpv6ZoneIsJudgedByItsAddress() {
        assertTrue(hosts("internal").allows("http", "[fe80::1%br-1a2b]", 80) == hosts("internal").allows("http", "fe80::1", 80));
        assertTrue(hosts("internal").allows("http", "[fd12::1%eth_0]", 80));
        assertTrue(hosts("fd00::/8").allows("http", "fd00::5%25Docker0", 80));
        assertTrue(hosts("*").allows("http", "2606:4700::1%br-1a2b", 80), "* allows everything");
    }

    @Test
    void starAllowsEveryNamedDestination() {
        AllowedHosts allowed = hosts("*");
        assertTrue(allowed.allowsEverything());
        assertTrue(allowed.allows("https", "example.com", -1));
        assertFalse(allowed.allows("https", "", -1));
    }

    @Test
    void ipv6LiteralWithPortInBrackets() {
        AllowedHosts allowed = hosts("[::1]:8443");
        assertTrue(allowed.allows("https", "[::1]", 8443));
        assertTrue(allowed.allows("https", "::1", 8443));
        assertFalse(allowed.allows("https", "::1", 8444));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "or*ders", "*.", "orders:0", "orders:99999", "orders:http", "10.0.0.0/33", "010.0.0.0/8", "::ffff:010.0.0.0/104", "010.0.0.1", "127.1", "2130706433", "bad/8", "a b", "[::1"})
    void badPatternsAreRefusedWithTheirText(String pattern) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> hosts(pattern));
        assertTrue(e.getMessage().contains(pattern.trim().isEmpty() ? "empty" : pattern.trim()), e.getMessage());
    }

    /** A URL given for a host said to be one: it was "not a valid CIDR block". */
    @Test
    void aUrlIsRefusedAsAUrl() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> hosts("http://orders"));
        assertEquals("'http://orders' is a URL: give the host alone (with a port if need be)", e.getMessage());
    }

    @Test
    void aUrlWithCredentialsIsRefusedWithoutQuotingThem() {
        for (String url : new String[] {"https://svc:p4ssw0rd@orders", "svc:p4ssw0rd@orders"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> hosts(url));
            assertEquals("an entry holding '@' (not shown: it may hold credentials) is not a host: give the host alone (with a port if need be)",
                    e.getMessage());
        }
        IllegalArgumentException query = assertThrows(IllegalArgumentException.class, () -> hosts("https://orders/?key=p4ssw0rd"));
        assertEquals("an entry holding a query (not shown: it may hold credentials) is not a host: give the host alone (with a port if need be)",
                query.getMessage());
    }

    @Test
    void entriesAreReportedForTheStartupLine() {
        assertEquals(List.of("internal", "orders:8443"), hosts("internal", " Orders:8443 ").entries());
    }
}
