package example.jwtagent.it;

import example.jwtagent.it.AdversarialCases.Case;
import example.jwtagent.it.ChildAgents.Target;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile input through real servers with the agent: every case of {@link AdversarialCases}.
 * HS256 cases run against Tomcat 11 in this JVM (whose agent has the HS256 secret); RSA, EC and
 * PSS cases against a child JVM with a PEM key file, and kid/jku/x5u cases against a child JVM
 * with a JWKS URL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdversarialTest {
    private TestServer server;
    private Downstream downstream;
    private AdversarialRunner.Agent pem;
    private AdversarialRunner.Agent jwks;

    @BeforeAll
    void start() throws Exception {
        // The SECRET child is LogHygieneTest's; starting it here too lets the three start-ups overlap.
        List<AgentChild> children = ChildAgents.get(Target.PEM, Target.JWKS, Target.SECRET);
        server = new TomcatJakartaServer(2);
        downstream = new Downstream();
        pem = AdversarialRunner.child(children.get(0));
        jwks = AdversarialRunner.child(children.get(1));
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        downstream.close();
    }

    static Stream<Case> secretCases() {
        return AdversarialCases.forTarget(Target.SECRET).stream();
    }

    static Stream<Case> pemCases() {
        return AdversarialCases.forTarget(Target.PEM).stream();
    }

    static Stream<Case> jwksCases() {
        return AdversarialCases.forTarget(Target.JWKS).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("secretCases")
    void hmacAgentInThisJvm(Case c) throws Exception {
        AdversarialRunner.run(c, AdversarialRunner.inProcess(server), downstream);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pemCases")
    void publicKeyFileAgentInAChildJvm(Case c) throws Exception {
        AdversarialRunner.run(c, pem, downstream);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jwksCases")
    void jwksAgentInAChildJvm(Case c) throws Exception {
        AdversarialRunner.run(c, jwks, downstream);
    }

    @Test
    void theTableCoversEveryFamilyAndBothAnswers() {
        Set<String> families = new java.util.TreeSet<>();
        Set<Target> targets = EnumSet.noneOf(Target.class);
        int rejected = 0;
        int badRequests = 0;
        for (Case c : AdversarialCases.all()) {
            families.add(c.family);
            targets.add(c.target);
            rejected += c.status == 401 ? 1 : 0;
            badRequests += c.status == 400 ? 1 : 0;
        }
        assertEquals(Set.of(AdversarialCases.PARSING, AdversarialCases.ALGORITHM, AdversarialCases.CLAIMS, AdversarialCases.HTTP), families);
        assertEquals(EnumSet.allOf(Target.class), targets);
        assertTrue(rejected > 80, "401 cases: " + rejected);
        assertTrue(badRequests > 5, "400 cases: " + badRequests);
    }

    @Test
    void noServerNamedInATokenWasEverContacted() {
        assertEquals(0, AdversarialCases.attacker().getRequestCount());
    }
}
