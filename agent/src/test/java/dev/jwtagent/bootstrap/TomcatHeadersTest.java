package dev.jwtagent.bootstrap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Tomcat shortcut is switched off in the open: a layout it cannot read is reported, not silent. */
class TomcatHeadersTest {
    private final List<String> reported = new ArrayList<>();

    @AfterEach
    void uninstall() {
        AgentBridge.install(null, "Authorization", "Authorization");
    }

    @Test
    void aTomcatFacadeOfAnotherLayoutTurnsTheShortcutOffAndSaysSo() {
        AgentBridge.install(new BridgeHooks() {
            @Override
            public InboundDecision decideInbound(Enumeration<String> headerValues, String servletPath, String pathInfo, String queryString) {
                throw new AssertionError("not used");
            }

            @Override
            public String outboundValue(String scheme, String host, int port, boolean headerAlreadySet) {
                throw new AssertionError("not used");
            }

            @Override
            public void internalFault(String where, Throwable fault) {
                throw new AssertionError("not a fault: " + where);
            }

            @Override
            public void shortcutOff(String kind, String detail) {
                reported.add(kind + ": " + detail);
            }
        }, "Authorization", "Authorization");

        assertNull(TomcatHeaders.forRequestClass(org.apache.catalina.connector.RequestFacade.class));
        assertEquals(1, reported.size(), reported.toString());
        assertTrue(reported.get(0).startsWith("tomcat-layout: Tomcat's request (org.apache.catalina.connector.RequestFacade of "),
                reported.get(0));
        assertTrue(reported.get(0).contains("(java.lang.NoSuchFieldException); the token header is read through the servlet API"),
                reported.get(0));

        assertNull(TomcatHeaders.forRequestClass(String.class), "not Tomcat's facade: nothing to say");
        assertEquals(1, reported.size(), reported.toString());
    }
}
