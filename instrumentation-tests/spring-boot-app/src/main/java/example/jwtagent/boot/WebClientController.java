package example.jwtagent.boot;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A Spring MVC service calling downstream through the {@code WebClient} that Spring Boot builds for it
 * (its {@code WebClient.Builder} bean, on Reactor Netty), the three ways such services do: blocking
 * in the handler, returning the call's {@code Mono} to Spring MVC, and making the call from a chain
 * that has moved to Reactor's bounded elastic scheduler. No token handling here.
 */
@RestController
@RequestMapping("/web-client")
public class WebClientController {
    private final WebClient webClient;

    public WebClientController(WebClient.Builder builder) {
        this.webClient = builder.build();
    }

    @GetMapping("/block")
    public String block(@RequestParam("to") String to) {
        return call(to).block() + " " + Thread.currentThread().getName();
    }

    @GetMapping("/mono")
    public Mono<String> mono(@RequestParam("to") String to) {
        return call(to);
    }

    @GetMapping("/elastic")
    public Mono<String> elastic(@RequestParam("to") String to) {
        return Mono.fromCallable(() -> to).subscribeOn(Schedulers.boundedElastic()).flatMap(this::call);
    }

    private Mono<String> call(String to) {
        return webClient.get().uri(to).retrieve().toBodilessEntity().map(entity -> Integer.toString(entity.getStatusCode().value()));
    }
}
