package dev.jwtagent.instrument;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the instrumentations ask for, collected at startup: for each {@link TypeMatch}, the advice
 * argument wraps and arounds applied to the matching classes. Read like Byte Buddy's agent builder:
 * {@code rules.type(named("x")).transform(advice).transform(more)}.
 */
public final class Rules {
    private final List<Rule> rules = new ArrayList<>();
    private boolean atStartup;

    /** Rules added from now on belong to {@code instrumentation}. */
    public Rules from(AgentInstrumentation instrumentation) {
        this.atStartup = instrumentation.admitsRequests();
        return this;
    }

    /** Starts a rule for the classes {@code match} accepts. */
    public Rules type(TypeMatch match) {
        rules.add(new Rule(atStartup, match));
        return this;
    }

    /** Adds advice to the rule started last. */
    public Rules transform(AdviceSupport.AdviceRule advice) {
        last().advice.add(advice);
        return this;
    }

    /** Adds an argument wrap to the rule started last. */
    public Rules transform(ArgumentWrap wrap) {
        last().wraps.add(wrap);
        return this;
    }

    /** Adds hooks around methods to the rule started last. */
    public Rules transform(Around around) {
        last().arounds.add(around);
        return this;
    }

    /** Adds a delegation to the bootstrap loader to the rule started last. */
    public Rules transform(BootDelegation delegation) {
        last().delegations.add(delegation);
        return this;
    }

    /**
     * The classes of the rule started last are rewritten to call the bridge, which then reads
     * {@code packageName} of the JDK module {@code module} reflectively: that package is exported to
     * the bridge before the first of them is rewritten ({@link BridgeExports}).
     */
    public Rules exportingToBridge(String module, String packageName) {
        last().exports.add(new Export(module, packageName));
        return this;
    }

    private Rule last() {
        if (rules.isEmpty()) {
            throw new IllegalStateException("transform() before type()");
        }
        return rules.get(rules.size() - 1);
    }

    List<Rule> all() {
        return Collections.unmodifiableList(rules);
    }

    /** One type match and what is done to the classes it accepts: argument wraps, arounds, then advice. */
    static final class Rule {
        /** Whether classes loaded before the agent that match are retransformed at startup (see {@link AgentInstrumentation#admitsRequests()}). */
        final boolean atStartup;
        final TypeMatch match;
        final List<ArgumentWrap> wraps = new ArrayList<>();
        final List<Around> arounds = new ArrayList<>();
        final List<BootDelegation> delegations = new ArrayList<>();
        final List<AdviceSupport.AdviceRule> advice = new ArrayList<>();
        final List<Export> exports = new ArrayList<>();

        Rule(boolean atStartup, TypeMatch match) {
            this.atStartup = atStartup;
            this.match = match;
        }
    }

    /** A JDK package the bridge needs exported to it. */
    static final class Export {
        final String module;
        final String packageName;

        Export(String module, String packageName) {
            this.module = module;
            this.packageName = packageName;
        }
    }
}
