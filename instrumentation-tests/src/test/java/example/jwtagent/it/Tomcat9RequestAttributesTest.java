package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Tomcat 9 (javax) in a JVM of its own, one worker thread: the agent's attributes, which the hooks
 * keep beside Tomcat's own map as on Tomcat 11, are read, listed and removed as any attribute, and
 * the requests the same worker serves next without a token find none.
 */
class Tomcat9RequestAttributesTest {

    @Test
    void theAgentsAttributesAreListedAndRemovedAsAnyOther() throws Exception {
        List<Path> classPath = new ArrayList<>(ChildJvm.libs("tomcat9"));
        classPath.add(ChildJvm.testClasses());
        try (ChildJvm child = ChildJvm.main(Tomcat9Child.class).classPath(classPath).start()) {
            for (int i = 0; i < 3; i++) {
                RawHttp.Response withToken = RawHttp.get(child.baseUrl(), "/attributes", RawHttp.bearer(Tokens.valid("tomcat9-user")));
                assertEquals("subject=tomcat9-user names=[jwt.agent.claims, jwt.agent.subject]"
                        + " after removal: subject=null names=[jwt.agent.claims]", withToken.body.trim(), withToken + "\n" + child.output());
                RawHttp.Response without = RawHttp.get(child.baseUrl(), "/attributes");
                assertEquals("subject=null names=[] after removal: subject=null names=[]", without.body.trim(),
                        without + "\n" + child.output());
            }
        }
    }
}
