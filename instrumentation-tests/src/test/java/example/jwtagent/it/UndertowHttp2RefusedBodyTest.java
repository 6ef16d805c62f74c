package example.jwtagent.it;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.api.ServletContainer;
import io.undertow.servlet.util.ImmediateInstanceFactory;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

/** Undertow over HTTP/2: see {@link RefusedBodyStreams}. */
class UndertowHttp2RefusedBodyTest {

    @Test
    void streamsAfterRefusedOnesWithBodiesAreStillServed() throws Exception {
        try (Downstream downstream = new Downstream()) {
            DeploymentInfo deployment = Servlets.deployment()
                    .setClassLoader(UndertowHttp2RefusedBodyTest.class.getClassLoader())
                    .setContextPath("/")
                    .setDeploymentName("h2-refused-body")
                    .addServlet(Servlets.servlet("app", RefusedBodyStreams.ReadingServlet.class,
                            new ImmediateInstanceFactory<>(new RefusedBodyStreams.ReadingServlet(downstream))).addMapping("/*"));
            DeploymentManager manager = ServletContainer.Factory.newInstance().addDeployment(deployment);
            manager.deploy();
            Undertow undertow = Undertow.builder()
                    .setServerOption(UndertowOptions.ENABLE_HTTP2, true)
                    .addHttpListener(0, "127.0.0.1")
                    .setIoThreads(1)
                    .setWorkerThreads(4)
                    .setHandler(manager.start())
                    .build();
            undertow.start();
            try {
                int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
                RefusedBodyStreams.aValidStreamIsServedAfterRefusedOnes(port, 3, 30_000, downstream);
            } finally {
                undertow.stop();
                manager.stop();
                manager.undeploy();
            }
        }
    }
}
