import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpConversation;
import org.eclipse.jetty.client.transport.HttpRequest;

import java.net.URI;

/**
 * Jetty 12's client with the agent, run by JettyClient12PickingRequestTest in a JVM of its own.
 * args: the token, the URL a request of the application's own HttpRequest class names when first
 * asked, and the URL it names from then on. Sends it once with the token current; prints
 * "STATUS <status>", then "DONE".
 */
public class Jetty12PickingRequestChild {
    public static void main(String[] args) throws Exception {
        HttpClient client = new HttpClient();
        client.start();
        try {
            Picking request = new Picking(client, URI.create(args[1]), URI.create(args[2]));
            Class<?> carrier = Class.forName("dev.jwtagent.bootstrap.TokenCarrier");
            Class<?> carried = Class.forName("dev.jwtagent.bootstrap.CarriedToken");
            Object token = carried.getConstructor(String.class, long.class, String.class)
                    .newInstance(args[0], System.currentTimeMillis() + 600_000, "sha256:000000000000");
            Object previous = carrier.getMethod("swap", carried).invoke(null, token);
            try {
                System.out.println("STATUS " + request.send().getStatus());
            } finally {
                carrier.getMethod("restore", carried).invoke(null, previous);
            }
        } finally {
            client.stop();
        }
        System.out.println("DONE");
    }

    /**
     * The application's own request: its host and port are the first URL's when first asked (as
     * one that picks an instance per call does), the second's from then on.
     */
    static final class Picking extends HttpRequest {
        private final URI first;
        private final URI later;
        private final boolean made;
        private int hostCalls;
        private int portCalls;

        Picking(HttpClient client, URI first, URI later) {
            super(client, new HttpConversation(), later);
            this.first = first;
            this.later = later;
            this.made = true;
        }

        @Override
        public synchronized String getHost() {
            return !made ? super.getHost() : hostCalls++ == 0 ? first.getHost() : later.getHost();
        }

        @Override
        public synchronized int getPort() {
            return !made ? super.getPort() : portCalls++ == 0 ? first.getPort() : later.getPort();
        }
    }
}
