package example.jwtagent.boot;

import org.springframework.scheduling.annotation.Async;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.ReactorClientHttpRequestFactory;
import org.springframework.stereotype.Service;
import org.springframework.web.client.RestClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/** The service's calls to another service, as application code writes them: no token handling here. */
@Service
public class Downstream {
    /** With Apache HttpClient 5 on the class path, RestClient's default request factory uses it. */
    private final RestClient restClient = RestClient.create();
    private final RestClient restClientOnJdkClient = RestClient.builder().requestFactory(new JdkClientHttpRequestFactory()).build();
    private final RestClient restClientOnReactorNetty = RestClient.builder().requestFactory(new ReactorClientHttpRequestFactory()).build();
    private final HttpClient httpClient = HttpClient.newHttpClient();

    public String withRestClient(String url) {
        return restClient.get().uri(url).retrieve().toEntity(String.class).getStatusCode().value() + " " + Thread.currentThread().getName();
    }

    public String withRestClientOnJdkClient(String url) {
        return restClientOnJdkClient.get().uri(url).retrieve().toEntity(String.class).getStatusCode().value() + " " + Thread.currentThread().getName();
    }

    public String withRestClientOnReactorNetty(String url) {
        return restClientOnReactorNetty.get().uri(url).retrieve().toEntity(String.class).getStatusCode().value() + " " + Thread.currentThread().getName();
    }

    public String withJdkClient(String url) throws Exception {
        HttpResponse<String> response = httpClient.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + Thread.currentThread().getName();
    }

    @Async
    public CompletableFuture<String> withRestClientAsync(String url) {
        return CompletableFuture.completedFuture(withRestClient(url));
    }

    @Async
    public CompletableFuture<String> withJdkClientAsync(String url) throws Exception {
        return CompletableFuture.completedFuture(withJdkClient(url));
    }
}
