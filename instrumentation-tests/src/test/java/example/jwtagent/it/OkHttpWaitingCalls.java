package example.jwtagent.it;

import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;

/**
 * Enqueued calls of one OkHttp client shared by every caller, one call per host at a time: the
 * first call holds its host (a downstream that holds the body back, which its callback reads), the
 * others wait in the dispatcher's queue. {@code cancelAll()} cancels them all; the waiting ones then
 * run, as cancelled calls, when the first ends.
 */
final class OkHttpWaitingCalls {
    private static OkHttpClient shared;

    private OkHttpWaitingCalls() {
    }

    private static synchronized OkHttpClient shared() {
        if (shared == null) {
            Dispatcher dispatcher = new Dispatcher();
            dispatcher.setMaxRequestsPerHost(1);
            shared = new OkHttpClient.Builder().dispatcher(dispatcher).build();
        }
        return shared;
    }

    /**
     * Enqueues a call of {@code url} on the shared client whose callback reads the body and, when
     * the call fails or the body cannot be read, calls the URL in {@code url}'s {@code then}
     * parameter (with {@code HttpURLConnection}); returns at once.
     */
    static int start(String url, String authorization) {
        String then = JdkHeldExchanges.then(url);
        Request.Builder request = new Request.Builder().url(url);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        shared().newCall(request.build()).enqueue(new Callback() {
            @Override
            public void onFailure(Call call, IOException failure) {
                JdkHeldExchanges.callFromACallback(then);
            }

            @Override
            public void onResponse(Call call, Response response) {
                try (Response held = response) {
                    held.body().string();
                } catch (IOException failure) {
                    JdkHeldExchanges.callFromACallback(then);
                }
            }
        });
        return 200;
    }

    /** Cancels the shared client's calls if a test left it (it failed before cancelling them): the next test starts with a new one. */
    static synchronized void forgetTheSharedClient() {
        if (shared != null) {
            shared.dispatcher().cancelAll();
        }
        shared = null;
    }

    /** How many calls wait in the dispatcher's queue. */
    static synchronized int waiting() {
        return shared == null ? 0 : shared.dispatcher().queuedCallsCount();
    }

    /** {@code dispatcher().cancelAll()} of the shared client, then a call of {@code url} with {@code HttpURLConnection} from the same thread. */
    static int cancelAllThenCall(String url, String authorization) throws Exception {
        OkHttpClient cancelled;
        synchronized (OkHttpWaitingCalls.class) {
            cancelled = shared;
            shared = null;
        }
        cancelled.dispatcher().cancelAll();
        return DownstreamClients.urlConnection(url, authorization);
    }
}
