package dev.jwtagent.bootstrap;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Where a request line sends a request through a forward proxy (the Apache clients' proxied requests). */
class AbsoluteFormDestinationTest {
    @Test
    void anAbsoluteUriNamesTheHostTheProxyForwardsTo() {
        assertArrayEquals(new String[] {"http", "partner.example.com", "-1"}, AgentBridge.absoluteFormDestination("http://partner.example.com/orders"));
        assertArrayEquals(new String[] {"http", "localhost", "9"}, AgentBridge.absoluteFormDestination("http://localhost:9/orders?x=1"));
        assertArrayEquals(new String[] {"HTTPS", "[::1]", "8443"}, AgentBridge.absoluteFormDestination("HTTPS://[::1]:8443"));
    }

    @Test
    void otherFormsGoWhereTheConnectionGoes() {
        assertNull(AgentBridge.absoluteFormDestination("/orders"));
        assertNull(AgentBridge.absoluteFormDestination("/a?next=http://partner.example.com/"));
        assertNull(AgentBridge.absoluteFormDestination("*"));
        assertNull(AgentBridge.absoluteFormDestination("localhost:443"));
        assertNull(AgentBridge.absoluteFormDestination(null));
    }

    @Test
    void anAbsoluteUriWithNoReadableHostIsRefused() {
        assertArrayEquals(new String[0], AgentBridge.absoluteFormDestination("http://bad host/orders"));
        assertArrayEquals(new String[0], AgentBridge.absoluteFormDestination("http:///orders"));
    }
}
