package example.jwtagent.it;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code localhost} and {@code 127.0.0.1}, made once per JVM with the JDK's own
 * {@code keytool}: the server side for a {@code Downstream} over HTTPS, and a client context that
 * trusts it and nothing else.
 */
final class TestTls {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static SSLContext server;
    private static SSLContext client;
    private static X509TrustManager trustManager;
    private static java.net.http.HttpClient jdkClient;
    private static KeyStore trustedStore;

    private TestTls() {
    }

    static synchronized SSLContext server() throws Exception {
        make();
        return server;
    }

    static synchronized SSLContext client() throws Exception {
        make();
        return client;
    }

    /**
     * JVM arguments that make a child JVM's default TLS (its {@code HttpsURLConnection}s, the agent's
     * key fetches among them) trust only this certificate; the store is written to {@code dir}.
     */
    static synchronized List<String> trustingJvmArguments(Path dir) throws Exception {
        make();
        Path file = dir.resolve("trusted.p12");
        try (java.io.OutputStream out = Files.newOutputStream(file)) {
            trustedStore.store(out, PASSWORD);
        }
        return List.of("-Djavax.net.ssl.trustStore=" + file, "-Djavax.net.ssl.trustStoreType=PKCS12",
                "-Djavax.net.ssl.trustStorePassword=" + new String(PASSWORD));
    }

    /** The trust manager of {@link #client()}: trusts only this certificate. */
    static synchronized X509TrustManager trustManager() throws Exception {
        make();
        return trustManager;
    }

    /** An {@code HttpURLConnection} GET over HTTPS that trusts only this certificate; answers the status. */
    static int urlConnectionGet(String url, String authorization) throws Exception {
        HttpsURLConnection connection = (HttpsURLConnection) new URL(url).openConnection();
        connection.setSSLSocketFactory(client().getSocketFactory());
        return DownstreamClients.urlConnection((HttpURLConnection) connection, authorization);
    }

    /** One JDK client for every call, over HTTPS trusting only this certificate: HTTP/2 where the server offers it. */
    static synchronized java.net.http.HttpClient jdkClient() throws Exception {
        if (jdkClient == null) {
            jdkClient = java.net.http.HttpClient.newBuilder().sslContext(client()).version(java.net.http.HttpClient.Version.HTTP_2).build();
        }
        return jdkClient;
    }

    private static void make() throws Exception {
        if (server != null) {
            return;
        }
        Path dir = Files.createTempDirectory("test-tls");
        Path store = dir.resolve("localhost.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "localhost", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        try (InputStream output = keytool.getInputStream()) {
            output.readAllBytes();
        }
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IllegalStateException("keytool could not make the test certificate");
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD);
        }
        for (Path each : List.of(store, dir)) {
            Files.delete(each);
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(keyManagers.getKeyManagers(), null, null);

        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("localhost", keys.getCertificate("localhost"));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trusted);
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, trustManagers.getTrustManagers(), null);
        server = serverContext;
        client = clientContext;
        trustManager = (X509TrustManager) trustManagers.getTrustManagers()[0];
        trustedStore = trusted;
    }
}
