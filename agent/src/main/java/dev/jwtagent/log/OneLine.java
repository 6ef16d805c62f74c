package dev.jwtagent.log;

/** Text from outside the agent made safe to put in one line of output. */
public final class OneLine {
    private OneLine() {
    }

    /**
     * {@code text} with control and line-separator characters escaped (a backslash, {@code u} and
     * four hex digits): a value from outside (a refused setting, a token's subject) that holds a
     * line break must not split a one-line message, nor forge a line of the log. Null stays null.
     */
    public static String of(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c < 0x20 || c == 0x7f || c == 0x85 || c == 0x2028 || c == 0x2029;
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
}
