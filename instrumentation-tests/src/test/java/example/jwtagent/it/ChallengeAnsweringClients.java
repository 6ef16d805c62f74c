package example.jwtagent.it;

import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.PasswordAuthentication;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;

/**
 * The clients of {@link DownstreamClients} given Basic credentials ({@link #USER}, {@link #PASSWORD})
 * the way each documents for answering a server's {@code 401} challenge, not preemptively: a
 * {@code java.net.Authenticator}, a credentials provider, OkHttp's {@code Authenticator}. Each call
 * builds its client anew, so no call starts with credentials cached from an earlier one, except
 * {@link #jdkSendReused}, {@link #urlConnectionReused} and {@link #urlConnectionStreamingPostReused}.
 */
final class ChallengeAnsweringClients {
    static final String USER = "service";
    static final String PASSWORD = "secret";
    /** The header the clients answer the challenge with. */
    static final String BASIC = ApacheClients.SERVICE_CREDENTIALS;

    private ChallengeAnsweringClients() {
    }

    private static final Authenticator AUTHENTICATOR = new ServiceAuthenticator();

    /**
     * The authenticator of every {@code *Reused} {@code HttpURLConnection} call. The JDK caches the
     * credentials that answered a challenge per authenticator, for the whole JVM, and sends them
     * preemptively on that authenticator's next request to the same server.
     */
    private static final Authenticator REUSED_URL_CONNECTION_AUTHENTICATOR = new ServiceAuthenticator();

    private static final class ServiceAuthenticator extends Authenticator {
        @Override
        protected PasswordAuthentication getPasswordAuthentication() {
            return new PasswordAuthentication(USER, PASSWORD.toCharArray());
        }
    }

    /** One JDK client for every call, which keeps the credentials that answered a challenge and sends them preemptively. */
    private static final HttpClient REUSED_JDK = HttpClient.newBuilder().authenticator(AUTHENTICATOR).build();

    static int urlConnection(String url, String authorization) throws Exception {
        HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
        // An authenticator of its own: nothing the JDK cached for an earlier call's is sent.
        connection.setAuthenticator(new ServiceAuthenticator());
        return DownstreamClients.urlConnection(connection, authorization);
    }

    static int urlConnectionReused(String url, String authorization) throws Exception {
        HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
        connection.setAuthenticator(REUSED_URL_CONNECTION_AUTHENTICATOR);
        return DownstreamClients.urlConnection(connection, authorization);
    }

    /**
     * A POST whose body is streamed (fixed length), which {@code HttpURLConnection} cannot send
     * again: a challenge to it fails the call with {@code HttpRetryException}, so it succeeds only
     * when the credentials go with it at once.
     */
    static int urlConnectionStreamingPostReused(String url, String authorization) throws Exception {
        HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
        connection.setAuthenticator(REUSED_URL_CONNECTION_AUTHENTICATOR);
        byte[] body = "{\"order\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setFixedLengthStreamingMode(body.length);
        connection.setRequestProperty("Content-Type", "application/json");
        connection.setConnectTimeout(5000);
        connection.setReadTimeout(5000);
        if (authorization != null) {
            connection.setRequestProperty("Authorization", authorization);
        }
        try (java.io.OutputStream out = connection.getOutputStream()) {
            out.write(body);
        }
        int status = connection.getResponseCode();
        try (java.io.InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
            if (in != null) {
                in.readAllBytes();
            }
        }
        return status;
    }

    static int jdkSend(String url, String authorization) throws Exception {
        return jdkSend(HttpClient.newBuilder().authenticator(AUTHENTICATOR).build(), url, authorization);
    }

    static int jdkSendReused(String url, String authorization) throws Exception {
        return jdkSend(REUSED_JDK, url, authorization);
    }

    private static int jdkSend(HttpClient client, String url, String authorization) throws Exception {
        return client.send(DownstreamClients.jdkRequest(url, authorization), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static int apache4(String url, String authorization) throws Exception {
        org.apache.http.impl.client.BasicCredentialsProvider credentials = new org.apache.http.impl.client.BasicCredentialsProvider();
        credentials.setCredentials(org.apache.http.auth.AuthScope.ANY, new org.apache.http.auth.UsernamePasswordCredentials(USER, PASSWORD));
        try (org.apache.http.impl.client.CloseableHttpClient client = org.apache.http.impl.client.HttpClients.custom()
                .setDefaultCredentialsProvider(credentials).build()) {
            return ApacheClients.classic4(client, url, authorization);
        }
    }

    static int apache4Async(String url, String authorization) throws Exception {
        org.apache.http.impl.client.BasicCredentialsProvider credentials = new org.apache.http.impl.client.BasicCredentialsProvider();
        credentials.setCredentials(org.apache.http.auth.AuthScope.ANY, new org.apache.http.auth.UsernamePasswordCredentials(USER, PASSWORD));
        try (org.apache.http.impl.nio.client.CloseableHttpAsyncClient client = org.apache.http.impl.nio.client.HttpAsyncClients.custom()
                .setDefaultCredentialsProvider(credentials).build()) {
            client.start();
            return ApacheClients.async4(client, url, authorization, null);
        }
    }

    private static org.apache.hc.client5.http.auth.CredentialsProvider credentials5() {
        org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider credentials = new org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider();
        credentials.setCredentials(new org.apache.hc.client5.http.auth.AuthScope(null, -1),
                new org.apache.hc.client5.http.auth.UsernamePasswordCredentials(USER, PASSWORD.toCharArray()));
        return credentials;
    }

    static int apache5(String url, String authorization) throws Exception {
        try (org.apache.hc.client5.http.impl.classic.CloseableHttpClient client = org.apache.hc.client5.http.impl.classic.HttpClients.custom()
                .setDefaultCredentialsProvider(credentials5()).build()) {
            return ApacheClients.classic5(client, url, authorization);
        }
    }

    static int apache5Async(String url, String authorization) throws Exception {
        try (org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient client = org.apache.hc.client5.http.impl.async.HttpAsyncClients.custom()
                .setDefaultCredentialsProvider(credentials5()).build()) {
            client.start();
            return ApacheClients.async5(client, url, authorization, null);
        }
    }

    /** OkHttp's {@code Authenticator} answers a challenge once, replacing whatever {@code Authorization} the request had. */
    static int okHttp(String url, String authorization) throws Exception {
        okhttp3.OkHttpClient client = new okhttp3.OkHttpClient.Builder()
                .authenticator((route, response) -> response.priorResponse() != null ? null
                        : response.request().newBuilder().header("Authorization", okhttp3.Credentials.basic(USER, PASSWORD)).build())
                .build();
        return OkHttpClients.execute(client, url, authorization);
    }
}
