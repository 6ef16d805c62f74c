package dev.jwtagent.instrument;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConstantPoolTest {
    private static final String ENTRY_DESCRIPTORS = "(Ljakarta/servlet/ServletRequest;Ljakarta/servlet/ServletResponse;";

    /** Long, double, method handle and invokedynamic entries come before the UTF-8 entry sought. */
    static class EveryKindOfEntry {
        long big = 1234567890123L;
        double ratio = 3.25;
        float part = 0.5f;
        int large = 123456789;
        Supplier<String> supplier = () -> "text";

        void takes(StringBuilder marker) {
        }
    }

    private static byte[] classFile(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void findsAUtf8EntryThatStartsWithTheText() throws IOException {
        assertTrue(ConstantPool.hasUtf8StartingWith(classFile(jakarta.servlet.http.HttpServlet.class), ascii(ENTRY_DESCRIPTORS)));
        assertTrue(ConstantPool.hasUtf8StartingWith(classFile(EveryKindOfEntry.class), ascii("(Ljava/lang/StringBuilder;")),
                "found after entries of every size");
        assertTrue(ConstantPool.hasUtf8StartingWith(classFile(jakarta.servlet.http.HttpServlet.class), ascii("jakarta/servlet/http/HttpServletReq")),
                "a class name entry (its cast to HttpServletRequest)");
    }

    @Test
    void textInsideAnEntryOrNowhereIsNotFound() throws IOException {
        assertFalse(ConstantPool.hasUtf8StartingWith(classFile(jakarta.servlet.http.Cookie.class), ascii(ENTRY_DESCRIPTORS)));
        assertFalse(ConstantPool.hasUtf8StartingWith(classFile(EveryKindOfEntry.class), ascii(ENTRY_DESCRIPTORS)));
        assertFalse(ConstantPool.hasUtf8StartingWith(classFile(jakarta.servlet.http.HttpServlet.class), ascii("/servlet/ServletRequest")),
                "only ever inside a longer entry");
    }

    @Test
    void whatIsNotAReadableClassFileIsLeftToTheOtherChecks() throws IOException {
        assertTrue(ConstantPool.hasUtf8StartingWith(ascii("not a class file at all"), ascii(ENTRY_DESCRIPTORS)));
        byte[] whole = classFile(jakarta.servlet.http.Cookie.class);
        assertTrue(ConstantPool.hasUtf8StartingWith(Arrays.copyOf(whole, 40), ascii(ENTRY_DESCRIPTORS)), "cut short");
    }
}
