package dev.jwtagent.bootstrap;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
        Object mine = ClassicCallSchemes.began(context, "https");
        AtomicReference<String> seenThere = new AtomicReference<>();
        Thread other = new Thread(() -> {
            Object theirs = ClassicCallSchemes.began(context, "http");
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
        Object outer = ClassicCallSchemes.began(context, "https");
        Object inner = ClassicCallSchemes.began(context, "http");
        assertEquals("http", ClassicCallSchemes.schemeOf(context));
        ClassicCallSchemes.ended(inner);
        assertEquals("https", ClassicCallSchemes.schemeOf(context));
        ClassicCallSchemes.ended(outer);
        assertNull(ClassicCallSchemes.schemeOf(context));
    }

    @Test
    void aSendWithAnotherContextHasNoCallScheme() {
        Object call = ClassicCallSchemes.began(context, "https");
        assertNull(ClassicCallSchemes.schemeOf(new Object()));
        ClassicCallSchemes.ended(call);
    }
}
