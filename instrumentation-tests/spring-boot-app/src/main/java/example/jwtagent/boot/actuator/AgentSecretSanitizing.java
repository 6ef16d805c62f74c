package example.jwtagent.boot.actuator;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What a service that shows values in Actuator's env endpoint ({@code management.endpoint.env.show-values})
 * adds so that the agent's secret stays hidden, given as {@code -Djwt.agent.secret} or as
 * {@code JWT_AGENT_SECRET} (on with {@code --probe.sanitize-agent-secret=true}: SpringBootActuatorTest).
 */
@Configuration
@ConditionalOnProperty(name = "probe.sanitize-agent-secret", havingValue = "true")
public class AgentSecretSanitizing {
    @Bean
    SanitizingFunction agentSecret() {
        return SanitizingFunction.sanitizeValue().ifKeyMatchesIgnoringCase(String::startsWith, "jwt.agent.secret", "jwt_agent_secret");
    }
}
