package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Tomcat 9 (javax) in a JVM of its own, one worker thread: the agent reads Tomcat 9's header bytes
 * as it reads Tomcat 11's, so a repeated token is recognised in place, without Tomcat decoding the
 * header into a String; a header that differs from the one the thread verified last, in one
 * character of the same length, is not taken for it: it is read and verified anew, and refused.
 */
class Tomcat9HeaderBytesTest {

    @Test
    void aRepeatedTokenIsRecognisedInPlaceAndAnyOtherHeaderIsVerifiedAnew() throws Exception {
        List<Path> classPath = new ArrayList<>(ChildJvm.libs("tomcat9"));
        classPath.add(ChildJvm.testClasses());
        try (ChildJvm child = ChildJvm.main(Tomcat9Child.class).classPath(classPath).start()) {
            String token = Tokens.valid("tomcat9-user");
            RawHttp.Response first = RawHttp.get(child.baseUrl(), "/hello", RawHttp.bearer(token));
            assertEquals(200, first.status, first + "\n" + child.output());
            assertEquals("tomcat9-user decoded=true", first.body.trim(), "read through the servlet API the first time: " + child.output());
            for (int i = 0; i < 2; i++) {
                RawHttp.Response again = RawHttp.get(child.baseUrl(), "/hello", RawHttp.bearer(token));
                assertEquals("tomcat9-user decoded=false", again.body.trim(), "recognised in Tomcat's bytes: " + again + "\n" + child.output());
            }
            String other = Tokens.valid("tomcat9-other");
            assertEquals("tomcat9-other decoded=true", RawHttp.get(child.baseUrl(), "/hello", RawHttp.bearer(other)).body.trim(),
                    "another header is read through the servlet API");

            // The thread's last header again, then the same length with the signature's last character changed.
            assertEquals("tomcat9-other decoded=false", RawHttp.get(child.baseUrl(), "/hello", RawHttp.bearer(other)).body.trim());
            char last = other.charAt(other.length() - 1);
            String forged = other.substring(0, other.length() - 1) + (last == 'A' ? 'B' : 'A');
            RawHttp.Response refused = RawHttp.get(child.baseUrl(), "/hello", RawHttp.bearer(forged));
            assertEquals(401, refused.status, refused + "\n" + child.output());

            assertFalse(child.output().contains("read through the servlet API"),
                    "the header shortcut is on for Tomcat 9:\n" + child.output());
            assertFalse(child.output().contains("could not instrument"), child.output());
        }
    }
}
