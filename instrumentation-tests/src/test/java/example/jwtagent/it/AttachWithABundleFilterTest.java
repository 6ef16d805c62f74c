package example.jwtagent.it;

import jakarta.servlet.Filter;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README (class-loaders): a filter in a class of a loader that does not hand the agent's package to
 * the boot loader (an OSGi bundle's) still runs once rewritten. Here the filter and its loader are
 * loaded before the agent is attached: both are rewritten by the attach, and the filter's first call
 * after it must find the agent's hooks.
 */
class AttachWithABundleFilterTest {
    /** Child: loads the filter, says READY, and on each line from its standard input runs it once. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            Filter filter = (Filter) new BundleLikeLoader(List.of(BundleLikeLoader.PassingFilter.class.getName()))
                    .loadClass(BundleLikeLoader.PassingFilter.class.getName()).getDeclaredConstructor().newInstance();
            System.out.println(ChildJvm.READY + "0");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                AtomicInteger passedOn = new AtomicInteger();
                try {
                    filter.doFilter(null, null, (request, response) -> passedOn.incrementAndGet());
                    System.out.println("RAN " + passedOn.get());
                } catch (Throwable t) {
                    System.out.println("RAN " + t);
                }
            }
        }
    }

    @Test
    void aFilterInABundleLoadedBeforeTheAttachStillRuns() throws Exception {
        Process service = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Child.class.getName()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(service.getInputStream(), StandardCharsets.UTF_8));
            assertTrue(readUntil(out, ChildJvm.READY).startsWith(ChildJvm.READY), "the child did not start");
            AttachCommand attach = AttachCommand.run(service.pid(), "secret-file=" + System.getProperty("it.secret.file")
                    + ";issuer=https://issuer.test;audience=orders");
            assertEquals(0, attach.exitCode(), attach.output());
            OutputStream in = service.getOutputStream();
            for (int i = 0; i < 2; i++) {
                in.write('\n');
                in.flush();
                assertEquals("RAN 1", readUntil(out, "RAN "), "call " + (i + 1) + " after the attach");
            }
        } finally {
            service.destroy();
            service.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String readUntil(BufferedReader out, String prefix) throws IOException {
        StringBuilder seen = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith(prefix)) {
                return line;
            }
            seen.append(line).append('\n');
        }
        return "(ended) " + seen;
    }
}
