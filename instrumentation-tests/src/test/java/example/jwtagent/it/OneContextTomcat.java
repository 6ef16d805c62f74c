package example.jwtagent.it;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

import java.io.File;
import java.nio.file.Files;

/**
 * An embedded Tomcat 11 in this JVM (so with the agent) with one context at the root: a test adds
 * its servlet and filters, then starts it.
 */
final class OneContextTomcat implements AutoCloseable {
    private final Tomcat tomcat = new Tomcat();
    private final Connector connector = new Connector();
    private Connector ajp;
    final Context context;

    OneContextTomcat(String name) throws Exception {
        File dir = Files.createTempDirectory(name).toFile();
        tomcat.setBaseDir(dir.getAbsolutePath());
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        context = tomcat.addContext("", dir.getAbsolutePath());
    }

    /** A property of the connector (its worker pool's size, say). */
    OneContextTomcat connectorProperty(String name, String value) {
        connector.setProperty(name, value);
        return this;
    }

    /**
     * An AJP connector beside the HTTP one, as Tomcat runs behind Apache httpd's mod_proxy_ajp: with
     * the proxy's shared secret, and the pattern of request attributes it lets the proxy set.
     */
    OneContextTomcat ajp(String secret, String allowedRequestAttributesPattern) {
        ajp = new Connector("AJP/1.3");
        ajp.setPort(0);
        ajp.setProperty("address", "127.0.0.1");
        ajp.setProperty("secret", secret);
        ajp.setProperty("allowedRequestAttributesPattern", allowedRequestAttributesPattern);
        tomcat.getService().addConnector(ajp);
        return this;
    }

    /** The AJP connector's port, once started. */
    int ajpPort() {
        return ajp.getLocalPort();
    }

    /** {@code servlet} mapped to every path. */
    OneContextTomcat servlet(HttpServlet servlet, boolean asyncSupported) {
        Tomcat.addServlet(context, "app", servlet).setAsyncSupported(asyncSupported);
        context.addServletMappingDecoded("/*", "app");
        return this;
    }

    OneContextTomcat filter(String name, Filter filter, String urlPattern, boolean asyncSupported) {
        FilterDef definition = new FilterDef();
        definition.setFilterName(name);
        definition.setFilter(filter);
        definition.setAsyncSupported(String.valueOf(asyncSupported));
        context.addFilterDef(definition);
        FilterMap map = new FilterMap();
        map.setFilterName(name);
        map.addURLPattern(urlPattern);
        context.addFilterMap(map);
        return this;
    }

    /** Starts it; returns its base URL, by the name {@code localhost}. */
    String start() throws Exception {
        tomcat.start();
        return "http://localhost:" + connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        tomcat.stop();
        tomcat.destroy();
    }
}
