package dev.jwtagent;

import dev.jwtagent.metrics.AgentMetrics;
import dev.jwtagent.metrics.MetricsMBean;
import dev.jwtagent.verify.RejectReason;
import org.junit.jupiter.api.Test;

import javax.management.AttributeNotFoundException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPEC section 6: the counters as JMX attributes of {@code jwt.agent:type=Metrics}. */
class MetricsMBeanTest {

    @Test
    void everyCounterIsListedFromTheStartAndReadThroughThePlatformServer() throws Exception {
        AgentMetrics metrics = new AgentMetrics();
        metrics.gauge("key_fetches", () -> 7);
        MetricsMBean.register(metrics);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(MetricsMBean.OBJECT_NAME);

        Set<String> listed = new HashSet<>();
        for (MBeanAttributeInfo attribute : server.getMBeanInfo(name).getAttributes()) {
            listed.add(attribute.getName());
            assertEquals("java.lang.Long", attribute.getType());
        }
        for (String counter : List.of("verified", "missing", "propagated", "skipped.not_allowed", "skipped.expired",
                "skipped.already_set", "key_fetches", "key_fetch_failures", "rejected.multiple_tokens", "rejected.malformed_header")) {
            assertTrue(listed.contains(counter), counter + " missing from " + listed);
        }
        for (RejectReason reason : RejectReason.values()) {
            assertTrue(listed.contains("rejected." + reason.metricName()), reason + " missing from " + listed);
        }

        assertEquals(0L, server.getAttribute(name, "rejected.expired"));
        metrics.increment("rejected.expired");
        metrics.increment("rejected.expired");
        assertEquals(2L, server.getAttribute(name, "rejected.expired"));
        assertEquals(7L, server.getAttribute(name, "key_fetches"));
        metrics.increment("something_new");
        assertEquals(1L, server.getAttribute(name, "something_new"));
        boolean listedNow = false;
        for (MBeanAttributeInfo attribute : server.getMBeanInfo(name).getAttributes()) {
            listedNow |= attribute.getName().equals("something_new");
        }
        assertTrue(listedNow, "a counter counted later is listed too");
    }

    @Test
    void aNameThatIsNoCounterIsNotFound() throws Exception {
        MetricsMBean.register(new AgentMetrics());
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(MetricsMBean.OBJECT_NAME);
        assertThrows(AttributeNotFoundException.class, () -> server.getAttribute(name, "rejected.no_such_reason"));
        assertEquals(1, server.getAttributes(name, new String[] {"verified", "eyJhbGciOiJub25lIn0"}).size());
    }
}
