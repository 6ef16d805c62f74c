package dev.jwtagent.metrics;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Publishes {@link AgentMetrics} as {@code jwt.agent:type=Metrics}. Each counter is a
 * {@code Long} attribute named as the counter; counters appear as they are first counted,
 * and the always-present ones are listed up front so dashboards can rely on them.
 */
public final class MetricsMBean implements DynamicMBean {
    public static final String OBJECT_NAME = "jwt.agent:type=Metrics";
    private static final String[] ALWAYS = {"verified", "missing", "propagated",
            "skipped.not_allowed", "skipped.expired", "skipped.already_set", "key_fetches", "key_fetch_failures"};

    private final AgentMetrics metrics;

    private MetricsMBean(AgentMetrics metrics) {
        this.metrics = metrics;
    }

    public static void register(AgentMetrics metrics) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(OBJECT_NAME);
        if (server.isRegistered(name)) {
            server.unregisterMBean(name);
        }
        server.registerMBean(new MetricsMBean(metrics), name);
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        return metrics.get(attribute);
    }

    @Override
    public void setAttribute(Attribute attribute) {
        throw new UnsupportedOperationException("jwt-agent metrics are read-only");
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        AttributeList list = new AttributeList();
        for (String name : attributes) {
            list.add(new Attribute(name, metrics.get(name)));
        }
        return list;
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) {
        throw new UnsupportedOperationException("jwt-agent metrics have no operations");
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        Map<String, Long> snapshot = metrics.snapshot();
        for (String name : ALWAYS) {
            snapshot.putIfAbsent(name, 0L);
        }
        List<MBeanAttributeInfo> attributes = new ArrayList<>();
        for (String name : snapshot.keySet()) {
            attributes.add(new MBeanAttributeInfo(name, "java.lang.Long", "jwt-agent counter " + name, true, false, false));
        }
        return new MBeanInfo(MetricsMBean.class.getName(), "jwt-agent counters", attributes.toArray(new MBeanAttributeInfo[0]),
                null, null, null);
    }
}
