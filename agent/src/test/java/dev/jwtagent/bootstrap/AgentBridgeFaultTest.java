package dev.jwtagent.bootstrap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The bridge's logging helpers are called from advice inside the application's own calls (a
 * redirect being followed, a request being read): a fault while logging, an {@code Error} included
 * (the agent's jar replaced on disk, say), is lost with its log line and never reaches the caller.
 */
class AgentBridgeFaultTest {
    private final List<String> called = new ArrayList<>();

    @AfterEach
    void uninstall() {
        AgentBridge.install(null, "Authorization", "Authorization");
    }

    private void installHooksThatFailToLog() {
        BridgeHooks failing = (BridgeHooks) Proxy.newProxyInstance(BridgeHooks.class.getClassLoader(),
                new Class<?>[] {BridgeHooks.class}, (proxy, method, arguments) -> {
                    called.add(method.getName());
                    throw new NoClassDefFoundError("dev/jwtagent/log/AgentLog");
                });
        AgentBridge.install(failing, "Authorization", "Authorization");
        // Installing asks the hooks what they decide on once (and keeps the safe answer when they fail).
        called.clear();
    }

    /** Asked once when the hooks are installed; hooks that fail to answer get the path read (exclusions still apply). */
    @Test
    void whetherTheHooksReadThePathIsAskedOnceAtInstallation() {
        BridgeHooks noPaths = (BridgeHooks) Proxy.newProxyInstance(BridgeHooks.class.getClassLoader(),
                new Class<?>[] {BridgeHooks.class}, (proxy, method, arguments) -> {
                    called.add(method.getName());
                    return false;
                });
        AgentBridge.install(noPaths, "Authorization", "Authorization");
        assertEquals(false, AgentBridge.inboundReadsPath());
        assertEquals(false, AgentBridge.inboundReadsPath());
        assertEquals(List.of("inboundReadsPath"), called);
        installHooksThatFailToLog();
        assertEquals(true, AgentBridge.inboundReadsPath());
    }

    @Test
    void aFaultWhileLoggingARedirectFaultStaysInTheAgent() {
        installHooksThatFailToLog();
        assertDoesNotThrow(() -> AgentBridge.outboundRedirectFault(new IllegalStateException("redirect")));
        assertEquals(List.of("outboundRedirectFault"), called, "the hooks were asked to log it");
    }

    @Test
    void aFaultWhileLoggingThatAShortcutIsOffStaysInTheAgent() {
        installHooksThatFailToLog();
        assertDoesNotThrow(() -> AgentBridge.shortcutOff("tomcat-layout", "Tomcat's request cannot be read directly"));
        assertEquals(List.of("shortcutOff"), called, "the hooks were asked to log it");
    }

    /** What every advice's exception handler calls, inside the application's call (an executor's execute, a client's send). */
    @Test
    void aFaultWhileLoggingAnAdviceFaultStaysInTheAgent() {
        installHooksThatFailToLog();
        assertDoesNotThrow(() -> AgentBridge.adviceFault(new IllegalStateException("advice")));
        assertDoesNotThrow(() -> AgentBridge.internalFault("outbound policy", new IllegalStateException("policy")));
        assertEquals(List.of("internalFault", "internalFault"), called, "the hooks were asked to log both");
    }

    @Test
    void aFaultWhileLoggingAServletEntryFaultStaysInTheAgent() {
        installHooksThatFailToLog();
        assertDoesNotThrow(() -> AgentBridge.servletEntryFault(new IllegalStateException("entry"), false));
        assertEquals(List.of("servletEntryFault"), called, "the hooks were asked to log it");
    }
}
