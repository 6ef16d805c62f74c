package example.jwtagent.it;

import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * OkHttp, synchronous and enqueued, with its default settings (redirects followed). Uses only API
 * that OkHttp 3, 4 and 5 share, so the same class runs in child JVMs with OkHttp 3 or 4.
 */
final class OkHttpClients {
    private static final OkHttpClient CLIENT = new OkHttpClient.Builder().build();

    private OkHttpClients() {
    }

    private static Request request(String url, String authorization) {
        Request.Builder builder = new Request.Builder().url(url);
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder.build();
    }

    static int execute(String url, String authorization) throws IOException {
        return execute(CLIENT, url, authorization);
    }

    static int execute(OkHttpClient client, String url, String authorization) throws IOException {
        try (Response response = client.newCall(request(url, authorization)).execute()) {
            response.body().string();
            return response.code();
        }
    }

    static int enqueue(String url, String authorization) throws Exception {
        return enqueue(CLIENT, url, authorization);
    }

    static int enqueue(OkHttpClient client, String url, String authorization) throws Exception {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        client.newCall(request(url, authorization)).enqueue(new Callback() {
            @Override
            public void onFailure(Call call, IOException e) {
                status.completeExceptionally(e);
            }

            @Override
            public void onResponse(Call call, Response response) throws IOException {
                try (Response r = response) {
                    r.body().string();
                    status.complete(r.code());
                }
            }
        });
        return status.get(10, TimeUnit.SECONDS);
    }
}
