package dev.jwtagent.bootstrap;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConnectionHostToDecideTest {
    @Test
    void aNameCompletedByASearchDomainIsDecidedAsTheRequestNamedIt() {
        assertEquals("orders", AgentBridge.connectionHostToDecide("orders", "orders.ns.svc.cluster.local"));
        assertEquals("orders", AgentBridge.connectionHostToDecide("orders", "orders.ns.svc.cluster.local."));
        assertEquals("Orders", AgentBridge.connectionHostToDecide("Orders", "orders.corp.example"));
        assertEquals("orders.ns", AgentBridge.connectionHostToDecide("orders.ns", "orders.ns.svc.cluster.local"));
    }

    @Test
    void theSameNameIsTheConnectionsOwn() {
        assertEquals("orders", AgentBridge.connectionHostToDecide("orders", "orders"));
        assertEquals("10.0.0.7", AgentBridge.connectionHostToDecide("10.0.0.7", "10.0.0.7"));
    }

    @Test
    void anotherHostIsDecidedOnItsOwnName() {
        // A supplier that rotates between hosts: the connection's own name decides.
        assertEquals("billing", AgentBridge.connectionHostToDecide("orders", "billing"));
        assertEquals("evil.com", AgentBridge.connectionHostToDecide("orders", "evil.com"));
        assertEquals("ordersx.svc", AgentBridge.connectionHostToDecide("orders", "ordersx.svc"));
        assertEquals("orders", AgentBridge.connectionHostToDecide("orders.ns", "orders"));
        assertEquals("127.0.0.1", AgentBridge.connectionHostToDecide("orders", "127.0.0.1"));
    }

    @Test
    void namesNoResolverCompletesAreNotCompleted() {
        // Written absolute: no search domain is tried.
        assertEquals("orders.evil.com", AgentBridge.connectionHostToDecide("orders.", "orders.evil.com"));
        // IP literals and numbers a resolver reads as one.
        assertEquals("10.0.0.1.evil.com", AgentBridge.connectionHostToDecide("10.0.0.1", "10.0.0.1.evil.com"));
        assertEquals("2130706433.evil.com", AgentBridge.connectionHostToDecide("2130706433", "2130706433.evil.com"));
        assertEquals("::1.evil.com", AgentBridge.connectionHostToDecide("::1", "::1.evil.com"));
        assertEquals("[::1].x", AgentBridge.connectionHostToDecide("[::1]", "[::1].x"));
        // Empty labels, in the request or the completion.
        assertEquals("a..b.svc", AgentBridge.connectionHostToDecide("a..b", "a..b.svc"));
        assertEquals(".orders.svc", AgentBridge.connectionHostToDecide(".orders", ".orders.svc"));
        assertEquals("orders..svc", AgentBridge.connectionHostToDecide("orders", "orders..svc"));
        assertEquals("orders.", AgentBridge.connectionHostToDecide("orders", "orders."));
        assertEquals("orders.svc..", AgentBridge.connectionHostToDecide("orders", "orders.svc.."));
        // Nothing to decide on.
        assertEquals("orders.svc", AgentBridge.connectionHostToDecide("", "orders.svc"));
        assertEquals("orders.svc", AgentBridge.connectionHostToDecide(null, "orders.svc"));
        assertEquals(null, AgentBridge.connectionHostToDecide("orders", null));
    }
}
