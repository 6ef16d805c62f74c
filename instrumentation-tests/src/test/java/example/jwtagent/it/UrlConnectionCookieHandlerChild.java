package example.jwtagent.it;

import java.io.InputStream;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.HttpURLConnection;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.URL;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Main of a {@link ChildJvm} whose agent writes the token to a header of the service's own
 * (argument 2). The application installs a {@code CookieHandler} that, as one that logs or keys its
 * cookies by the request does, looks at the request headers the JDK hands it, and prints for each
 * request whether any of them held the token ({@code COOKIE-HANDLER <path> the token|none}). With the
 * token (argument 1) current, it calls each URL from argument 3 on with {@code HttpURLConnection}
 * (an {@code Authenticator} set, for a server that challenges) and prints {@code CALLED <status>}.
 * Announces {@code READY 0} when done.
 */
public final class UrlConnectionCookieHandlerChild {
    private UrlConnectionCookieHandlerChild() {
    }

    public static void main(String[] args) throws Exception {
        String token = args[1];
        CookieHandler.setDefault(new CookieHandler() {
            @Override
            public Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) {
                boolean seen = false;
                for (List<String> values : requestHeaders.values()) {
                    for (String value : values) {
                        seen |= value != null && value.contains(token);
                    }
                }
                System.out.println("COOKIE-HANDLER " + uri.getPath() + (seen ? " the token" : " none"));
                return Collections.emptyMap();
            }

            @Override
            public void put(URI uri, Map<String, List<String>> responseHeaders) {
                // keeps nothing
            }
        });
        for (int i = 3; i < args.length; i++) {
            String url = args[i];
            int status = CurrentToken.with(token, () -> {
                HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
                connection.setConnectTimeout(5000);
                connection.setReadTimeout(5000);
                connection.setAuthenticator(new Authenticator() {
                    @Override
                    protected PasswordAuthentication getPasswordAuthentication() {
                        return new PasswordAuthentication(ChallengeAnsweringClients.USER, ChallengeAnsweringClients.PASSWORD.toCharArray());
                    }
                });
                int code = connection.getResponseCode();
                try (InputStream body = code < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                    if (body != null) {
                        body.readAllBytes();
                    }
                }
                return code;
            });
            System.out.println("CALLED " + status);
        }
        System.out.println(ChildJvm.READY + 0);
        System.out.flush();
        System.in.readAllBytes();
        System.exit(0);
    }
}
