package dev.jwtagent.log;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class OneLineTest {
    @Test
    void lineBreaksAndControlCharactersOfBothRangesAreEscaped() {
        assertEquals("a\\u000ab\\u000dc", OneLine.of("a\nb\rc"));
        assertEquals("esc\\u001b[31m del\\u007f", OneLine.of("esc\u001b[31m del\u007f"));
        // C1: next line, the 8-bit control sequence introducer, and the range around them.
        assertEquals("nel\\u0085 csi\\u009b31m \\u0080\\u009f", OneLine.of("nel\u0085 csi\u009b31m \u0080\u009f"));
        assertEquals("ls\\u2028ps\\u2029", OneLine.of("ls\u2028ps\u2029"));
        String plain = "orders.svc.cluster.local \u00e9\u00a0";
        assertSame(plain, OneLine.of(plain), "no copy for text without such characters, letters beyond ASCII kept");
        assertNull(OneLine.of(null));
    }

    @Test
    void aBoundedValueIsCutAndSaysHowLongItWas() {
        assertEquals("abc", OneLine.of("abc", 3));
        assertEquals("abc...(4 characters)", OneLine.of("abcd", 3));
        assertEquals("a\\u000a...(5 characters)", OneLine.of("a\nbcd", 2), "escaped after it is cut");
        assertNull(OneLine.of(null, 3));
    }
}
