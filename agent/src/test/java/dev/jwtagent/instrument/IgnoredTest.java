package dev.jwtagent.instrument;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IgnoredTest {
    private final Ignored ignored = new Ignored();

    @Test
    void theJdkAndTheAgentItselfArePassedOverByName() {
        for (String name : new String[] {"java.util.HashMap", "java.lang.String", "jdk.internal.misc.Unsafe", "sun.nio.ch.Util",
                "javax.net.ssl.SSLContext", "com.sun.net.httpserver.HttpServer", "dev.jwtagent.bootstrap.TokenTasks",
                "net.bytebuddy.asm.Advice"}) {
            assertTrue(ignored.name(name), name);
            assertTrue(ignored.internalName(name.replace('.', '/')), name);
        }
    }

    @Test
    void theJdkClassesTheAgentRewritesAndEverythingElseAreLookedAt() {
        for (String name : new String[] {"java.util.concurrent.ThreadPoolExecutor", "java.lang.Thread", "java.lang.ThreadBuilders$BoundVirtualThread",
                "java.lang.VirtualThread", "jdk.internal.net.http.HttpRequestImpl", "sun.net.www.protocol.http.HttpURLConnection",
                "sun.net.www.http.HttpClient",
                "javax.servlet.http.HttpServlet", "jakarta.servlet.http.HttpServlet", "org.apache.catalina.core.ApplicationFilterChain",
                "okhttp3.OkHttpClient", "com.example.Service"}) {
            assertFalse(ignored.name(name), name);
            assertFalse(ignored.internalName(name.replace('.', '/')), name);
        }
    }
}
