package example.jwtagent.boot.actuator;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A health check as services write them: it calls a dependency (when {@link #TARGET} is set) and
 * reports, for SpringBootActuatorTest, the subject the agent set on the request that asked for health.
 */
@Component
public class ProbeHealthIndicator implements HealthIndicator {
    /** Where the health check calls; set through an excluded path. */
    public static final AtomicReference<String> TARGET = new AtomicReference<>();
    private final RestClient restClient = RestClient.create();

    @Override
    public Health health() {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        Object subject = request == null ? "no-request" : request.getAttribute("jwt.agent.subject", RequestAttributes.SCOPE_REQUEST);
        Health.Builder health = Health.up().withDetail("subject", String.valueOf(subject));
        String target = TARGET.get();
        if (target != null) {
            health.withDetail("downstream", restClient.get().uri(target).retrieve().toBodilessEntity().getStatusCode().value());
        }
        return health.build();
    }
}
