package example.jwtagent.it;

import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dispatcher;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;

/**
 * OkHttp 5 with one call per host at a time and an {@code EventListener} that calls the request's
 * {@code then} URL on the event its {@code on} parameter names ({@code queue-end} or {@code canceled}):
 * events the dispatcher runs on whichever thread ends another call or cancels them all.
 */
final class OkHttpDispatcherListeners {
    private static volatile OkHttpClient shared;

    private OkHttpDispatcherListeners() {
    }

    private static synchronized OkHttpClient shared() {
        if (shared == null) {
            Dispatcher dispatcher = new Dispatcher();
            dispatcher.setMaxRequestsPerHost(1);
            shared = new OkHttpClient.Builder().dispatcher(dispatcher).eventListenerFactory(call -> new EventListener() {
                @Override
                public void dispatcherQueueEnd(Call queued, Dispatcher by) {
                    callOn(queued, "queue-end");
                }

                @Override
                public void canceled(Call cancelled) {
                    callOn(cancelled, "canceled");
                }
            }).build();
        }
        return shared;
    }

    private static void callOn(Call call, String event) {
        if (event.equals(call.request().url().queryParameter("on"))) {
            JdkHeldExchanges.callFromACallback(call.request().url().queryParameter("then"));
        }
    }

    /** Enqueues {@code url} on the shared client and answers at once. */
    static int enqueue(String url, String authorization) {
        shared().newCall(new Request.Builder().url(url).build()).enqueue(new Callback() {
            @Override
            public void onFailure(Call call, IOException failure) {
            }

            @Override
            public void onResponse(Call call, Response response) {
                response.close();
            }
        });
        return 200;
    }

    static int queued() {
        OkHttpClient client = shared;
        return client == null ? 0 : client.dispatcher().queuedCallsCount();
    }

    /** Cancels every call of the shared client (the next caller gets a new one), then calls {@code url}. */
    static int cancelAllThenCall(String url, String authorization) throws Exception {
        OkHttpClient client;
        synchronized (OkHttpDispatcherListeners.class) {
            client = shared;
            shared = null;
        }
        client.dispatcher().cancelAll();
        return DownstreamClients.urlConnection(url, authorization);
    }
}
