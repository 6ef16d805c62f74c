package example.jwtagent.it;

import java.util.List;

/**
 * {@link HeaderForms} for Jetty 12's client ({@code form:<form>:jetty12[:<header>]}), reflectively:
 * it is on the class path of the {@code jetty12} children only, which have no Apache client.
 */
final class JettyHeaderForms {
    private JettyHeaderForms() {
    }

    static int get(String name, String url) throws Exception {
        String[] parts = name.split(":", 4);
        String base = parts.length > 3 ? parts[3] : "Authorization";
        // As HeaderForms names and values them (that class names the Apache clients, absent here).
        switch (parts[1]) {
            case "lower": return send(url, base.toLowerCase(java.util.Locale.ROOT), List.of("Bearer app-lower"));
            case "upper": return send(url, base.toUpperCase(java.util.Locale.ROOT), List.of("Bearer app-upper"));
            case "empty": return send(url, base, List.of(""));
            case "twice": return send(url, base, List.of("Bearer app-one", "Bearer app-two"));
            default: throw new IllegalArgumentException(name);
        }
    }

        private static Object client;

        static synchronized int send(String url, String name, List<String> values) throws Exception {
            Class<?> type = Class.forName("org.eclipse.jetty.client.HttpClient");
            if (client == null) {
                client = type.getConstructor().newInstance();
                type.getMethod("start").invoke(client);
            }
            Class<?> request = Class.forName("org.eclipse.jetty.client.Request");
            Object r = type.getMethod("newRequest", String.class).invoke(client, url);
            java.lang.reflect.Method add = Class.forName("org.eclipse.jetty.http.HttpFields$Mutable").getMethod("add", String.class, String.class);
            request.getMethod("headers", java.util.function.Consumer.class).invoke(r, (java.util.function.Consumer<Object>) fields -> {
                for (String v : values) {
                    try {
                        add.invoke(fields, name, v);
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            try {
                Object response = request.getMethod("send").invoke(r);
                return (Integer) Class.forName("org.eclipse.jetty.client.Response").getMethod("getStatus").invoke(response);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw (Exception) e.getCause();
            }
        }
    }
