package example.jwtagent.it;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The child JVMs the hostile tests share, one per key source, each started once per test JVM
 * (on first use) at {@code log.level=debug} with its output kept. Settings match the test JVM's
 * (issuer, audience, allowed hosts, max token size, excluded paths) except for the key source.
 */
final class ChildAgents {
    /** Which agent a case runs against. */
    enum Target {
        /** HS256 secret: the test JVM itself, or a child configured the same way. */
        SECRET,
        /** public-key-file with the service's RSA and EC keys, and required-claims=tenant. */
        PEM,
        /** jwks-url served by a MockWebServer in the test JVM, keys rsa-1 and ec-1. */
        JWKS
    }

    private static final Map<Target, AgentChild> CHILDREN = new EnumMap<>(Target.class);
    private static MockWebServer jwksServer;

    private ChildAgents() {
    }

    /** The child for each target, started together so that their start-up overlaps. */
    static synchronized List<AgentChild> get(Target... targets) {
        List<AgentChild> result = new ArrayList<>();
        for (Target target : targets) {
            result.add(CHILDREN.computeIfAbsent(target, ChildAgents::launch));
        }
        for (AgentChild child : result) {
            child.awaitReady();
        }
        return result;
    }

    static AgentChild get(Target target) {
        return get(new Target[] {target}).get(0);
    }

    private static AgentChild launch(Target target) {
        List<String> settings = new ArrayList<>(List.of(
                "issuer=" + Tokens.ISSUER, "audience=" + Tokens.AUDIENCE, "outbound.allowed-hosts=localhost",
                "inbound.exclude-paths=/health,/public/**", "max-token-size=4096", "log.level=debug"));
        try {
            switch (target) {
                case SECRET:
                    settings.add("secret-file=" + System.getProperty("it.secret.file"));
                    break;
                case PEM:
                    Path pem = Files.createTempFile("adversarial-keys", ".pem");
                    Files.write(pem, AdversarialKeys.pem().getBytes(StandardCharsets.US_ASCII));
                    pem.toFile().deleteOnExit();
                    settings.add("public-key-file=" + pem);
                    settings.add("required-claims=tenant");
                    break;
                default:
                    settings.add("jwks-url=" + jwksUrl());
                    break;
            }
            return AgentChild.start(target.name().toLowerCase(java.util.Locale.ROOT), settings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JWKS URL of the MockWebServer that serves keys rsa-1 and ec-1, started on first use. */
    static synchronized String jwksUrl() throws IOException {
        if (jwksServer == null) {
            jwksServer = new MockWebServer();
            jwksServer.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                            .body(AdversarialKeys.jwks()).build();
                }
            });
            jwksServer.start(InetAddress.getByName("127.0.0.1"), 0);
        }
        return "http://127.0.0.1:" + jwksServer.getPort() + "/jwks.json";
    }
}
