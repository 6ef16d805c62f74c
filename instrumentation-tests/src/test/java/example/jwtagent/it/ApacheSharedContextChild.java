package example.jwtagent.it;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Main of a {@link ChildJvm}: two calls with the token (argument 1) current, each on a thread of its
 * own, on one {@code HttpClientContext} the application shares between them, with the classic
 * Apache client named by argument 2 ({@code apache4}, {@code apache5}): the first to argument 3 (an
 * https URL that answers slowly with a redirect), the second, begun while the first waits, to
 * argument 4 (a plain http URL that answers slower still). Prints {@code CALLED <status> <status>},
 * then {@code LEFT <name>} for each attribute of the agent's still in the shared context, and
 * announces {@code READY 0}.
 */
public final class ApacheSharedContextChild {
    /** The context attributes the agent may use while a classic call is on its way. */
    private static final String[] AGENT_ATTRIBUTES = {"dev.jwtagent.hop-target", "dev.jwtagent.call-scheme"};

    private static final class Classic4 {
        static final org.apache.http.impl.client.CloseableHttpClient CLIENT = org.apache.http.impl.client.HttpClients.createDefault();
    }

    private static final class Classic5 {
        static final org.apache.hc.client5.http.impl.classic.CloseableHttpClient CLIENT =
                org.apache.hc.client5.http.impl.classic.HttpClients.createDefault();
    }

    private ApacheSharedContextChild() {
    }

    public static void main(String[] args) throws Exception {
        String token = args[1];
        String client = args[2];
        boolean four = client.equals("apache4");
        Object context = four ? org.apache.http.client.protocol.HttpClientContext.create()
                : org.apache.hc.client5.http.protocol.HttpClientContext.create();
        // The clients are made (and their classes loaded) first: the first call is on its way before the second begins.
        System.out.println("CLIENT " + (four ? Classic4.CLIENT : Classic5.CLIENT).getClass().getSimpleName());
        AtomicReference<Object> second = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                Thread.sleep(1000);
                second.set(CurrentToken.with(token, () -> call(four, args[4], context)));
            } catch (Exception e) {
                second.set(e);
            }
        });
        other.start();
        Object first = CurrentToken.with(token, () -> call(four, args[3], context));
        other.join();
        System.out.println("CALLED " + first + " " + second.get());
        for (String name : AGENT_ATTRIBUTES) {
            Object value = four ? ((org.apache.http.protocol.HttpContext) context).getAttribute(name)
                    : ((org.apache.hc.core5.http.protocol.HttpContext) context).getAttribute(name);
            if (value != null) {
                System.out.println("LEFT " + name);
            }
        }
        System.out.println(ChildJvm.READY + 0);
        System.out.flush();
        System.in.readAllBytes();
        System.exit(0);
    }

    private static int call(boolean four, String url, Object context) throws Exception {
        if (four) {
            try (org.apache.http.client.methods.CloseableHttpResponse response = Classic4.CLIENT.execute(
                    new org.apache.http.client.methods.HttpGet(url), (org.apache.http.client.protocol.HttpClientContext) context)) {
                org.apache.http.util.EntityUtils.consume(response.getEntity());
                return response.getStatusLine().getStatusCode();
            }
        }
        return Classic5.CLIENT.execute(new org.apache.hc.client5.http.classic.methods.HttpGet(url),
                (org.apache.hc.client5.http.protocol.HttpClientContext) context, response -> {
                    org.apache.hc.core5.http.io.entity.EntityUtils.consume(response.getEntity());
                    return response.getCode();
                });
    }
}
