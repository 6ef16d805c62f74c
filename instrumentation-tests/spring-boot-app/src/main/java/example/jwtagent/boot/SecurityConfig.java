package example.jwtagent.boot;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationProvider;
import org.springframework.security.web.authentication.preauth.RequestAttributeAuthenticationFilter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;

/**
 * Spring Security in front of the controllers, as a service behind the agent might set it up: the user
 * is the subject the agent verified (its request attribute, through Spring Security's
 * {@code RequestAttributeAuthenticationFilter}); {@code /secured/**} needs one, everything else is open.
 * Spring Security wraps every request it passes on ({@code SecurityContextHolderAwareRequestWrapper}).
 */
@Configuration
public class SecurityConfig {
    /** How many requests Spring Security's chain saw (counted by a filter at its start). */
    public static final java.util.concurrent.atomic.AtomicInteger SEEN = new java.util.concurrent.atomic.AtomicInteger();

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
        PreAuthenticatedAuthenticationProvider provider = new PreAuthenticatedAuthenticationProvider();
        provider.setPreAuthenticatedUserDetailsService(token -> User.withUsername(token.getName()).password("").authorities("ROLE_USER").build());
        RequestAttributeAuthenticationFilter fromAgent = new RequestAttributeAuthenticationFilter();
        fromAgent.setPrincipalEnvironmentVariable("jwt.agent.subject");
        fromAgent.setExceptionIfVariableMissing(false);
        fromAgent.setAuthenticationManager(new ProviderManager(provider));
        // No session: each request, and each of its dispatches, is authenticated from its own attribute.
        fromAgent.setSecurityContextRepository(new RequestAttributeSecurityContextRepository());
        return http
                .addFilter(fromAgent)
                .addFilterBefore((request, response, chain) -> { SEEN.incrementAndGet(); chain.doFilter(request, response); },
                        org.springframework.security.web.context.SecurityContextHolderFilter.class)
                .authorizeHttpRequests(requests -> requests.requestMatchers("/secured/**").authenticated().anyRequest().permitAll())
                .csrf(csrf -> csrf.disable())
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED)))
                .build();
    }
}
