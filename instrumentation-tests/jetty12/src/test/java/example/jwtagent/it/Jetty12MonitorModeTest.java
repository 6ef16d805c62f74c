package example.jwtagent.it;

import org.junit.jupiter.api.Test;

/** {@link MonitorModeShortcutTest}'s checks of monitor mode and excluded paths on Jetty 12 ee10. */
class Jetty12MonitorModeTest {
    @Test
    void jetty12() throws Exception {
        MonitorModeShortcutTest.check(Jetty12MonitorChild.class, "jetty12");
    }
}
