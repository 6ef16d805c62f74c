package dev.jwtagent.log;

/** Text from outside the agent made safe to put in one line of output. */
public final class OneLine {
    private OneLine() {
    }

    /**
     * {@code text} with control (C0 and C1) and line-separator characters escaped (a backslash,
     * {@code u} and four hex digits): a value from outside (a refused setting, a token's subject)
     * that holds a line break must not split a one-line message, nor forge a line of the log, and
     * one that holds an 8-bit control sequence introducer (U+009B) must not drive a terminal. Null
     * stays null.
     */
    public static String of(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c < 0x20 || c >= 0x7f && c <= 0x9f || c == 0x2028 || c == 0x2029;
            if (control && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (control) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    /**
     * {@link #of} of at most the first {@code max} characters of {@code text}, then how long it was:
     * a value a caller chooses at will (a host name in a URL) makes no line longer than that.
     */
    public static String of(String text, int max) {
        if (text == null || text.length() <= max) {
            return of(text);
        }
        return of(text.substring(0, max)) + "...(" + text.length() + " characters)";
    }
}
