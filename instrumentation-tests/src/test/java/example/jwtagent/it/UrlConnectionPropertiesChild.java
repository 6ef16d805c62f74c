package example.jwtagent.it;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;

/**
 * Main of a {@link ChildJvm} whose agent writes the token to a header of the service's own
 * (argument 2): with the token (argument 1) current, calls argument 0 with
 * {@code HttpURLConnection} (the application's own {@code X-Application} set on it), then prints
 * what the application reads back of both headers from the connection, as code that logs a call's
 * headers or replays them on another call would. Announces {@code READY 0} when done.
 */
public final class UrlConnectionPropertiesChild {
    private UrlConnectionPropertiesChild() {
    }

    public static void main(String[] args) throws Exception {
        String token = args[1];
        String header = args[2];
        CurrentToken.with(token, () -> {
            HttpURLConnection connection = (HttpURLConnection) new URL(args[0]).openConnection();
            connection.setConnectTimeout(5000);
            connection.setReadTimeout(5000);
            connection.setRequestProperty("X-Application", "own");
            int status = connection.getResponseCode();
            try (InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                if (body != null) {
                    body.readAllBytes();
                }
            }
            String seen = connection.getRequestProperty(header);
            System.out.println("READ-BACK " + (seen == null ? "none" : seen.contains(token) ? "the token" : "another value")
                    + ", X-Application " + connection.getRequestProperty("X-Application"));
            return null;
        });
        System.out.println(ChildJvm.READY + 0);
        System.out.flush();
        System.in.readAllBytes();
        System.exit(0);
    }
}
