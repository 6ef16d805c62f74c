package example.shop.story;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's story and its checks, read from what the services answered (their JSON and the
 * status and WWW-Authenticate of the first hop). run-demo.sh feeds it curl's output through
 * {@link StoryTable}; the end-to-end test feeds it the same requests made with the JDK client.
 */
public final class Story {
    /** The requests of the walkthrough, in order (also the file names run-demo.sh writes). */
    public static final String VALID = "valid";
    public static final String TAMPERED = "tampered";
    public static final String EXPIRED = "expired";
    public static final String WRONG_AUDIENCE = "wrong-audience";
    public static final String NO_TOKEN_GATEWAY = "no-token-gateway";
    public static final String NO_TOKEN_ORDERS = "no-token-orders";
    public static final String NO_TOKEN_INVENTORY = "no-token-inventory";
    /** A valid token straight to inventory, which calls the partner: a host that is not allowed. */
    public static final String NOT_ALLOWED = "not-allowed";
    public static final List<String> STEPS = List.of(VALID, NOT_ALLOWED, TAMPERED, EXPIRED, WRONG_AUDIENCE,
            NO_TOKEN_GATEWAY, NO_TOKEN_ORDERS, NO_TOKEN_INVENTORY);
    /** The check that groups the three no-token-* requests. */
    public static final String NO_TOKEN = "no-token";

    public static final String SUBJECT = "alice";

    /** What one request got back at the first hop. */
    public static final class Answer {
        public final int status;
        public final String wwwAuthenticate;
        public final String body;

        public Answer(int status, String wwwAuthenticate, String body) {
            this.status = status;
            this.wwwAuthenticate = wwwAuthenticate;
            this.body = body;
        }
    }

    /** One line of the table: one check. */
    public static final class Row {
        /** Which part of the story: one of {@link Story#STEPS}, or {@link Story#NO_TOKEN} for the no-token-* ones. */
        public final String check;
        public final String story;
        public final String where;
        public final String expected;
        public final String seen;
        public final boolean holds;

        Row(String check, String story, String where, String expected, String seen, boolean holds) {
            this.check = check;
            this.story = story;
            this.where = where;
            this.expected = expected;
            this.seen = seen;
            this.holds = holds;
        }
    }

    private final List<Row> rows = new ArrayList<>();

    private Story() {
    }

    /** Checks every step; a missing answer is a failed check. */
    public static Story check(Map<String, Answer> answers) {
        Story story = new Story();
        story.chain(answers.get(VALID));
        story.notAllowed(answers.get(NOT_ALLOWED));
        story.refused(TAMPERED, "tampered (sub -> mallory)", answers.get(TAMPERED), "signature");
        story.refused(EXPIRED, "expired (2 min ago)", answers.get(EXPIRED), "expired");
        story.refused(WRONG_AUDIENCE, "wrong audience", answers.get(WRONG_AUDIENCE), "audience");
        story.noToken("no token", "curl -> gateway", answers.get(NO_TOKEN_GATEWAY));
        story.noToken("", "curl -> orders", answers.get(NO_TOKEN_ORDERS));
        story.noToken("", "curl -> inventory", answers.get(NO_TOKEN_INVENTORY));
        return story;
    }

    public List<Row> rows() {
        return Collections.unmodifiableList(rows);
    }

    public List<Row> rows(String check) {
        return rows.stream().filter(r -> r.check.equals(check)).collect(java.util.stream.Collectors.toList());
    }

    public boolean holds() {
        return rows.stream().allMatch(r -> r.holds);
    }

    public long failures() {
        return rows.stream().filter(r -> !r.holds).count();
    }

    private void chain(Answer first) {
        String label = "valid token (sub=" + SUBJECT + ")";
        String expected = "200, subject " + SUBJECT;
        Map<String, Object> gateway = first == null ? null : Json.object(first.body);
        boolean gatewayHolds = first != null && first.status == 200 && gateway != null
                && "gateway".equals(gateway.get("service")) && SUBJECT.equals(gateway.get("subject"));
        rows.add(new Row(VALID, label, "curl -> gateway", expected,
                first == null ? "no answer" : first.status + (gateway != null && gateway.containsKey("subject")
                        ? ", subject " + gateway.get("subject") : describeRefusal(first.wwwAuthenticate)),
                gatewayHolds));

        Map<String, Object> toOrders = call(gateway, "orders", "java.net.http.HttpClient");
        rows.add(hop("", "gateway -> orders (JDK HttpClient)", toOrders, "orders"));
        Map<String, Object> orders = answer(toOrders);

        Map<String, Object> toStock = call(orders, "inventory", "OkHttp");
        rows.add(hop("", "orders -> inventory (OkHttp, pool)", toStock, "inventory"));
        Map<String, Object> toReserve = call(orders, "inventory", "Apache HttpClient 5");
        rows.add(hop("", "orders -> inventory (Apache HC 5, pool)", toReserve, "inventory"));

        rows.add(partner(VALID, "", call(answer(toStock), "partner", "HttpURLConnection")));
    }

    private void notAllowed(Answer first) {
        String story = "host not allowed";
        Map<String, Object> inventory = first == null ? null : Json.object(first.body);
        boolean holds = first != null && first.status == 200 && inventory != null
                && "inventory".equals(inventory.get("service")) && SUBJECT.equals(inventory.get("subject"));
        rows.add(new Row(NOT_ALLOWED, story, "curl -> inventory", "200, subject " + SUBJECT,
                first == null ? "no answer" : first.status + (inventory != null && inventory.containsKey("subject")
                        ? ", subject " + inventory.get("subject") : describeRefusal(first.wwwAuthenticate)),
                holds));
        rows.add(partner(NOT_ALLOWED, "", call(inventory, "partner", "HttpURLConnection")));
    }

    /** The call to the partner, a host that is not allowed: it must arrive without a token. */
    private Row partner(String check, String story, Map<String, Object> toPartner) {
        Map<String, Object> partner = answer(toPartner);
        String where = "inventory -> partner" + (toPartner == null ? "" : " at " + hostOf(String.valueOf(toPartner.get("request"))))
                + " (HttpURLConnection)";
        String seen;
        boolean holds = false;
        if (toPartner == null) {
            seen = "not reached";
        } else if (toPartner.containsKey("error")) {
            seen = "error: " + toPartner.get("error");
        } else if (partner == null || !"partner".equals(partner.get("service"))) {
            seen = toPartner.get("status") + ", not the partner's answer";
        } else {
            boolean received = Boolean.TRUE.equals(partner.get("authorizationReceived"));
            seen = toPartner.get("status") + (received ? ", Authorization RECEIVED" : ", no Authorization");
            holds = !received && Long.valueOf(200).equals(toPartner.get("status"));
        }
        return new Row(check, story, where, "200, no Authorization", seen, holds);
    }

    private Row hop(String story, String where, Map<String, Object> call, String service) {
        String expected = "200, subject " + SUBJECT;
        if (call == null) {
            return new Row(VALID, story, where, expected, "not reached", false);
        }
        if (call.containsKey("error")) {
            return new Row(VALID, story, where, expected, "error: " + call.get("error"), false);
        }
        Object status = call.get("status");
        Map<String, Object> answer = answer(call);
        boolean reached = answer != null && service.equals(answer.get("service"));
        String seen = status + (reached ? ", subject " + answer.get("subject")
                : describeRefusal((String) call.get("wwwAuthenticate")));
        boolean holds = Long.valueOf(200).equals(status) && reached && SUBJECT.equals(answer.get("subject"));
        return new Row(VALID, story, where, expected, seen, holds);
    }

    private void refused(String check, String story, Answer answer, String reasonWord) {
        String expected = "401 invalid_token: " + reasonWord;
        if (answer == null) {
            rows.add(new Row(check, story, "curl -> gateway", expected, "no answer", false));
            return;
        }
        String www = answer.wwwAuthenticate == null ? "" : answer.wwwAuthenticate;
        boolean holds = answer.status == 401 && www.contains("error=\"invalid_token\"")
                && www.toLowerCase(Locale.ROOT).contains(reasonWord) && !reachedService(answer);
        rows.add(new Row(check, story, "curl -> gateway", expected,
                answer.status + (www.isEmpty() ? reachedNote(answer) : describeRefusal(www)), holds));
    }

    private void noToken(String story, String where, Answer answer) {
        String expected = "401 Bearer (no token)";
        if (answer == null) {
            rows.add(new Row(NO_TOKEN, story, where, expected, "no answer", false));
            return;
        }
        String www = answer.wwwAuthenticate == null ? "" : answer.wwwAuthenticate;
        boolean holds = answer.status == 401 && www.startsWith("Bearer") && !reachedService(answer);
        rows.add(new Row(NO_TOKEN, story, where, expected,
                answer.status + describeRefusal(answer.wwwAuthenticate) + reachedNote(answer), holds));
    }

    private static boolean reachedService(Answer answer) {
        Map<String, Object> body = Json.object(answer.body);
        return body != null && body.containsKey("service");
    }

    private static String reachedNote(Answer answer) {
        return reachedService(answer) ? ", service answered" : "";
    }

    /** {@code Bearer} alone: no token arrived; with an error: that error and its description. */
    static String describeRefusal(String wwwAuthenticate) {
        if (wwwAuthenticate == null) {
            return "";
        }
        String www = wwwAuthenticate.trim();
        if ("Bearer".equalsIgnoreCase(www)) {
            return " Bearer (no token)";
        }
        String error = param(www, "error");
        String description = param(www, "error_description");
        return error == null ? " " + www : " " + error + (description == null ? "" : ": " + description);
    }

    private static String param(String challenge, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[\\s,]" + name + "=\"([^\"]*)\"").matcher(challenge);
        return m.find() ? m.group(1) : null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> call(Map<String, Object> service, String to, String via) {
        if (service == null || !(service.get("calls") instanceof List)) {
            return null;
        }
        for (Object call : (List<Object>) service.get("calls")) {
            if (call instanceof Map && to.equals(((Map<String, Object>) call).get("to"))
                    && via.equals(((Map<String, Object>) call).get("via"))) {
                return (Map<String, Object>) call;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> answer(Map<String, Object> call) {
        return call != null && call.get("answer") instanceof Map ? (Map<String, Object>) call.get("answer") : null;
    }

    private static String hostOf(String request) {
        int scheme = request.indexOf("://");
        if (scheme < 0) {
            return "?";
        }
        int end = scheme + 3;
        while (end < request.length() && ":/?".indexOf(request.charAt(end)) < 0) {
            end++;
        }
        return request.substring(scheme + 3, end);
    }

    /** The table, one check a line, and a closing verdict. */
    public void print(PrintStream out) {
        String[] head = {"STORY", "WHERE", "EXPECTED", "SEEN", ""};
        int[] width = new int[4];
        for (int i = 0; i < 4; i++) {
            width[i] = head[i].length();
        }
        for (Row row : rows) {
            width[0] = Math.max(width[0], row.story.length());
            width[1] = Math.max(width[1], row.where.length());
            width[2] = Math.max(width[2], row.expected.length());
            width[3] = Math.max(width[3], row.seen.length());
        }
        String format = "%-" + width[0] + "s  %-" + width[1] + "s  %-" + width[2] + "s  %-" + width[3] + "s  %s%n";
        out.printf(format, (Object[]) head);
        out.printf(format, "-".repeat(width[0]), "-".repeat(width[1]), "-".repeat(width[2]), "-".repeat(width[3]), "----");
        for (Row row : rows) {
            out.printf(format, row.story, row.where, row.expected, row.seen, row.holds ? "ok" : "FAIL");
        }
        out.println();
        out.println(holds() ? "The story holds: all " + rows.size() + " checks passed."
                : "The story does NOT hold: " + failures() + " of " + rows.size() + " checks failed.");
    }
}
