package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The line that says a token was not sent to a host names that host as the application's URL
 * spells it, which a caller may choose (a webhook URL). {@code HttpURLConnection} accepts non-ASCII
 * characters in a host, and through a forward proxy nothing resolves the name before the request
 * is written and decided: a next line (U+0085), a line separator (U+2028) or a C1 control sequence
 * introducer (U+009B) must reach the log escaped, as a token's subject does, and a host of
 * thousands of characters must not make a line of thousands of characters.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotAllowedHostLogLineTest {
    private static final String FORGED = "2026-01-01T00.00.00.000Z INFO jwt-agent.inbound - verified token of subject admin";

    private ServerSocket proxy;
    private ChildJvm child;

    @BeforeAll
    void start() throws Exception {
        proxy = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread answering = new Thread(this::answerEverything, "answering-proxy");
        answering.setDaemon(true);
        answering.start();
        // Printed as UTF-8 whatever the machine's locale, so that a raw character would show as itself.
        child = ChildJvm.main(RelayChild.class)
                .jvmArgument("-D" + DownstreamClients.PROXY_PROPERTY + "=127.0.0.1:" + proxy.getLocalPort())
                .jvmArgument("-Dsun.stderr.encoding=UTF-8").jvmArgument("-Dstderr.encoding=UTF-8")
                .start();
    }

    @AfterAll
    void stop() throws Exception {
        child.close();
        proxy.close();
    }

    /** A forward proxy that answers 200 to whatever it is sent. */
    private void answerEverything() {
        while (!proxy.isClosed()) {
            try (Socket socket = proxy.accept()) {
                socket.setSoTimeout(5000);
                InputStream in = socket.getInputStream();
                int last = 0;
                int matched = 0;
                while (matched < 4 && (last = in.read()) >= 0) {
                    matched = (last == '\r' || last == '\n') ? matched + 1 : 0;
                }
                OutputStream out = socket.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                // closed, or a client that went away
            }
        }
    }

    /** Whether the call went out: false when this Java's {@code URL} refuses the host (Java 25 refuses U+0085 there), so no hop reaches the agent. */
    private boolean callThroughTheProxy(String url) throws Exception {
        RawHttp.Response response = RawHttp.get(child.baseUrl(), "/call?client=url-connection-through-proxy&url="
                + URLEncoder.encode(url, StandardCharsets.UTF_8), RawHttp.bearer(Tokens.valid("alice")));
        String error = response.field("downstream-error");
        if (error != null && error.startsWith("java.net.MalformedURLException")) {
            return false;
        }
        assertEquals("200", response.field("downstream"), response.toString());
        return true;
    }

    private List<String> notSentLines() {
        List<String> lines = new ArrayList<>();
        for (String line : child.output().split("\n")) {
            if (line.contains("not sending token")) {
                lines.add(line);
            }
        }
        return lines;
    }

    @Test
    void aHostWithLineSeparatorsOrControlCharactersIsLoggedEscaped() throws Exception {
        Map<String, String> escapedByHost = new LinkedHashMap<>();
        escapedByHost.put("nel\u0085" + FORGED, "nel\\u0085");
        escapedByHost.put("ls\u2028" + FORGED, "ls\\u2028");
        escapedByHost.put("csi\u009b31mred.example", "csi\\u009b31mred.example");
        List<String> expected = new ArrayList<>();
        for (Map.Entry<String, String> host : escapedByHost.entrySet()) {
            if (callThroughTheProxy("http://" + host.getKey() + "/x")) {
                expected.add(host.getValue());
            }
        }
        assumeTrue(!expected.isEmpty(), "this Java's URL refuses every such host");

        String output = child.output();
        for (char raw : new char[] {'\u0085', '\u2028', '\u009b'}) {
            assertFalse(output.indexOf(raw) >= 0, String.format("a raw U+%04X in the log: %s", (int) raw, notSentLines()));
        }
        String all = String.join("\n", notSentLines());
        for (String escaped : expected) {
            assertTrue(all.contains(escaped), "the host is named, escaped: " + all);
        }
    }

    @Test
    void aHostOfThousandsOfCharactersMakesNoLineOfThousands() throws Exception {
        String host = "h".repeat(5000) + ".example";
        callThroughTheProxy("http://" + host + "/x");

        List<String> lines = new ArrayList<>();
        for (String line : notSentLines()) {
            if (line.contains("hhhhhhhhhh")) {
                lines.add(line);
            }
        }
        assertEquals(1, lines.size(), "the host's refusal is logged: " + notSentLines());
        assertTrue(lines.get(0).length() < 600, "a line of " + lines.get(0).length() + " characters");
        assertFalse(lines.get(0).contains(host), "the host is cut short");
    }
}
