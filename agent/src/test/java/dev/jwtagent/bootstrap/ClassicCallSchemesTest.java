package dev.jwtagent.bootstrap;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scheme a classic Apache call was made with is the sends' of that call on its own thread and
 * context only: a call on another thread with the same context (one the application shares)
 * neither replaces nor ends it, a call made from within it is noted over it until it ends, and
 * nothing is left once the call ends.
 */
class ClassicCallSchemesTest {
    private final Object context = new Object();

    @Test
    void aCallOnAnotherThreadWithTheSameContextNeitherReplacesNorEndsThisThreadsNote() throws Exception {
        Object mine = ClassicCallSchemes.began(context, "https", "orders", -1);
        AtomicReference<String> seenThere = new AtomicReference<>();
        Thread other = new Thread(() -> {
            Object theirs = ClassicCallSchemes.began(context, "http", "orders", -1);
            seenThere.set(ClassicCallSchemes.schemeOf(context));
            ClassicCallSchemes.ended(theirs);
        });
        other.start();
        other.join();
        assertEquals("http", seenThere.get(), "the other thread's call");
        assertEquals("https", ClassicCallSchemes.schemeOf(context), "this thread's call, after the other one ended");
        ClassicCallSchemes.ended(mine);
        assertNull(ClassicCallSchemes.schemeOf(context), "after this thread's call");
    }

    @Test
    void aCallMadeFromWithinAnotherIsNotedOverItUntilItEnds() {
        Object outer = ClassicCallSchemes.began(context, "https", "orders", -1);
        Object inner = ClassicCallSchemes.began(context, "http", "orders", -1);
        assertEquals("http", ClassicCallSchemes.schemeOf(context));
        ClassicCallSchemes.ended(inner);
        assertEquals("https", ClassicCallSchemes.schemeOf(context));
        ClassicCallSchemes.ended(outer);
        assertNull(ClassicCallSchemes.schemeOf(context));
    }

    @Test
    void aSendWithAnotherContextHasNoCallScheme() {
        Object call = ClassicCallSchemes.began(context, "https", "orders", -1);
        assertNull(ClassicCallSchemes.schemeOf(new Object()));
        ClassicCallSchemes.ended(call);
    }

    @Test
    void aHopAwayFromTheCallsOwnHostIsARedirectThatHostChose() {
        Object context = new Object();
        Object call = ClassicCallSchemes.began(context, "https", "partner.example", -1);
        try {
            assertFalse(ClassicCallSchemes.redirectedByAHostNotAllowed(context, "partner.example", 443),
                    "the call's own first hop (the default port written out) is decided as any");
            // No agent is installed here, so no host is allowed: a hop elsewhere is a redirect by a host not allowed.
            assertTrue(ClassicCallSchemes.redirectedByAHostNotAllowed(context, "orders", 443));
            assertTrue(ClassicCallSchemes.redirectedByAHostNotAllowed(context, "partner.example", 8443));
            assertFalse(ClassicCallSchemes.redirectedByAHostNotAllowed(new Object(), "orders", 443), "another context's call");
        } finally {
            ClassicCallSchemes.ended(call);
        }
        assertFalse(ClassicCallSchemes.redirectedByAHostNotAllowed(context, "orders", 443), "no call on this thread");
    }

    @Test
    void aHostThatIsNotAllowedInTheMiddleOfAChainChoosesTheHopsAfterIt() {
        AgentBridge.install(new OutboundOnlyHooks() {
            @Override
            public boolean outboundHostAllowed(String scheme, String host, int port) {
                return !host.equals("partner.example");
            }
        }, "Authorization", "Authorization");
        Object context = new Object();
        Object call = ClassicCallSchemes.began(context, "http", "gateway", 80);
        try {
            assertFalse(ClassicCallSchemes.redirectedByAHostNotAllowed(context, "gateway", 80), "the first hop, allowed");
            assertFalse(ClassicCallSchemes.redirectedByAHostNotAllowed(context, "partner.example", 80),
                    "a redirect to a host that is not allowed is decided (refused) as any");
            assertTrue(ClassicCallSchemes.redirectedByAHostNotAllowed(context, "orders", 80), "the allowed host it redirects to");
            assertTrue(ClassicCallSchemes.redirectedByAHostNotAllowed(context, "gateway", 80), "back to the first host");
        } finally {
            ClassicCallSchemes.ended(call);
        }
        Object allowedChain = ClassicCallSchemes.began(context, "http", "gateway", 80);
        try {
            assertFalse(ClassicCallSchemes.redirectedByAHostNotAllowed(context, "orders", 80), "allowed to allowed");
            assertFalse(ClassicCallSchemes.redirectedByAHostNotAllowed(context, "gateway", 80), "and back");
        } finally {
            ClassicCallSchemes.ended(allowedChain);
            AgentBridge.install(null, "Authorization", "Authorization");
        }
    }
}
