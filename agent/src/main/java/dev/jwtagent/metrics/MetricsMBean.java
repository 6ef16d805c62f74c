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
import dev.jwtagent.verify.RejectReason;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Publishes {@link AgentMetrics} as {@code jwt.agent:type=Metrics}. Each counter is a
 * {@code Long} attribute named as the counter. Every counter the agent knows of (SPEC section 6's,
 * every {@code rejected.<reason>}, and the others) is listed from the start with 0, so dashboards
 * can rely on them; a name that is no counter is an {@link AttributeNotFoundException}.
 */
public final class MetricsMBean implements DynamicMBean {
    public static final String OBJECT_NAME = "jwt.agent:type=Metrics";
    /** SPEC section 6's counters, then every rejection reason and the agent's other counters. */
    private static final Set<String> ALWAYS = always();

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

    private static Set<String> always() {
        Set<String> names = new LinkedHashSet<>(List.of("verified", "missing", "propagated",
                "skipped.not_allowed", "skipped.expired", "skipped.already_set", "key_fetches", "key_fetch_failures"));
        for (RejectReason reason : RejectReason.values()) {
            names.add("rejected." + reason.metricName());
        }
        names.addAll(List.of("rejected.multiple_tokens", "rejected.malformed_header", "rejected.missing_required",
                "excluded", "query_token_ignored", "monitored", "internal_faults"));
        return Collections.unmodifiableSet(names);
    }

    /** Known names: the ones listed up front and any counter counted since. */
    private boolean known(String name) {
        return name != null && (ALWAYS.contains(name) || metrics.has(name));
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        if (!known(attribute)) {
            throw new AttributeNotFoundException("jwt-agent has no counter named " + attribute);
        }
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
            if (known(name)) {
                list.add(new Attribute(name, metrics.get(name)));
            }
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
