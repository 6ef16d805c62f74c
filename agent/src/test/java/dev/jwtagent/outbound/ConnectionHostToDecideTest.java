package dev.jwtagent.outbound;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConnectionHostToDecideTest {
    @Test
    void aNameCompletedByASearchDomainIsDecidedAsTheRequestNamedIt() {
        assertEquals("orders", OutboundPolicy.connectionHostToDecide("orders", "orders.ns.svc.cluster.local"));
        assertEquals("orders", OutboundPolicy.connectionHostToDecide("orders", "orders.ns.svc.cluster.local."));
        assertEquals("Orders", OutboundPolicy.connectionHostToDecide("Orders", "orders.corp.example"));
        assertEquals("orders.ns", OutboundPolicy.connectionHostToDecide("orders.ns", "orders.ns.svc.cluster.local"));
    }

    @Test
    void theSameNameIsTheConnectionsOwn() {
        assertEquals("orders", OutboundPolicy.connectionHostToDecide("orders", "orders"));
        assertEquals("10.0.0.7", OutboundPolicy.connectionHostToDecide("10.0.0.7", "10.0.0.7"));
    }

    @Test
    void anotherHostIsDecidedOnItsOwnName() {
        // A supplier that rotates between hosts: the connection's own name decides.
        assertEquals("billing", OutboundPolicy.connectionHostToDecide("orders", "billing"));
        assertEquals("evil.com", OutboundPolicy.connectionHostToDecide("orders", "evil.com"));
        assertEquals("ordersx.svc", OutboundPolicy.connectionHostToDecide("orders", "ordersx.svc"));
        assertEquals("orders", OutboundPolicy.connectionHostToDecide("orders.ns", "orders"));
        assertEquals("127.0.0.1", OutboundPolicy.connectionHostToDecide("orders", "127.0.0.1"));
    }

    @Test
    void namesNoResolverCompletesAreNotCompleted() {
        // Written absolute: no search domain is tried.
        assertEquals("orders.evil.com", OutboundPolicy.connectionHostToDecide("orders.", "orders.evil.com"));
        // IP literals and numbers a resolver reads as one.
        assertEquals("10.0.0.1.evil.com", OutboundPolicy.connectionHostToDecide("10.0.0.1", "10.0.0.1.evil.com"));
        assertEquals("2130706433.evil.com", OutboundPolicy.connectionHostToDecide("2130706433", "2130706433.evil.com"));
        assertEquals("::1.evil.com", OutboundPolicy.connectionHostToDecide("::1", "::1.evil.com"));
        assertEquals("[::1].x", OutboundPolicy.connectionHostToDecide("[::1]", "[::1].x"));
        // Names that some resolver reads as an address, or maps to another name, as HostName judges them.
        assertEquals("0x7f.evil.com", OutboundPolicy.connectionHostToDecide("0x7f", "0x7f.evil.com"));
        assertEquals("127.1.evil.com", OutboundPolicy.connectionHostToDecide("127.1", "127.1.evil.com"));
        assertEquals("orders\u3002x.svc", OutboundPolicy.connectionHostToDecide("orders\u3002x", "orders\u3002x.svc"));
        // Empty labels, in the request or the completion.
        assertEquals("a..b.svc", OutboundPolicy.connectionHostToDecide("a..b", "a..b.svc"));
        assertEquals(".orders.svc", OutboundPolicy.connectionHostToDecide(".orders", ".orders.svc"));
        assertEquals("orders..svc", OutboundPolicy.connectionHostToDecide("orders", "orders..svc"));
        assertEquals("orders.", OutboundPolicy.connectionHostToDecide("orders", "orders."));
        assertEquals("orders.svc..", OutboundPolicy.connectionHostToDecide("orders", "orders.svc.."));
        // Nothing to decide on.
        assertEquals("orders.svc", OutboundPolicy.connectionHostToDecide("", "orders.svc"));
        assertEquals("orders.svc", OutboundPolicy.connectionHostToDecide(null, "orders.svc"));
        assertEquals(null, OutboundPolicy.connectionHostToDecide("orders", null));
    }
}
