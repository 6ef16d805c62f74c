package dev.jwtagent;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AgentInstallerRefusalTest {
    @Test
    void aRefusalNamesItsKeyOrTheAgentArgumentsAndStaysOneLine() {
        assertEquals("jwt.agent.mode: 'x' is not a mode", AgentInstaller.refusal("jwt.agent.mode: 'x' is not a mode"));
        assertEquals("jwt.agent.issuer: not a URL (Illegal character in authority)",
                AgentInstaller.refusal("issuer: not a URL (Illegal character in authority)"), "a verifier's message gets the prefix");
        assertEquals("agent arguments: an argument is not key=value", AgentInstaller.refusal("agent arguments: an argument is not key=value"));
        assertEquals("jwt.agent.secret-file: cannot read '/tmp/a\\u000a2026 ERROR forged'",
                AgentInstaller.refusal("secret-file: cannot read '/tmp/a\n2026 ERROR forged'"));
    }
}
