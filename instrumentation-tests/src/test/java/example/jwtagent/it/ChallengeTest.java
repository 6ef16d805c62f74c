package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link ChallengeContractTest} for the JDK's clients, Apache 4 and 5 and OkHttp, called from Tomcat 11 in this JVM. */
class ChallengeTest extends ChallengeContractTest {
    @Override
    TestServer startService() throws Exception {
        return new TomcatJakartaServer(2);
    }

    @Override
    List<String> clients() {
        return List.of("url-connection-answering-challenge", "jdk-send-answering-challenge", "apache4-answering-challenge",
                "apache4-async-answering-challenge", "apache5-answering-challenge", "apache5-async-answering-challenge",
                "okhttp-answering-challenge");
    }

    /**
     * The JDK client keeps the credentials that answered a challenge and sends them preemptively
     * on its next request to that server: they take the token's place there.
     */
    @Test
    void credentialsTheJdkClientKeptAreSentAlone() throws Exception {
        String token = Tokens.valid("alice");
        assertEquals(List.of(List.of("Bearer " + token), List.of(ChallengeAnsweringClients.BASIC)),
                call("jdk-send-answering-challenge-reused", token));
        assertEquals(List.of(List.of(ChallengeAnsweringClients.BASIC)), call("jdk-send-answering-challenge-reused", Tokens.valid("bob")));
    }

    /**
     * {@code HttpURLConnection} caches the credentials that answered a challenge (per authenticator,
     * for the whole JVM) and sends them preemptively on the next request to that server: they take
     * the token's place there, as with the JDK client. A streamed POST, which the connection cannot
     * send again after a challenge, then goes through too: before, the token went first, the server
     * challenged it, and the call failed with {@code HttpRetryException}.
     */
    @Test
    void credentialsHttpUrlConnectionCachedAreSentAlone() throws Exception {
        String token = Tokens.valid("alice");
        assertEquals(List.of(List.of("Bearer " + token), List.of(ChallengeAnsweringClients.BASIC)),
                call("url-connection-answering-challenge-reused", token));
        assertEquals(List.of(List.of(ChallengeAnsweringClients.BASIC)), call("url-connection-answering-challenge-reused", Tokens.valid("bob")));
        assertEquals(List.of(List.of(ChallengeAnsweringClients.BASIC)), call("url-connection-streaming-post-reused", Tokens.valid("carol")));
    }
}
