package example.jwtagent.it;

/** As Jetty12OutboundTest, on Jetty's ExecutorThreadPool (a JDK ThreadPoolExecutor, whose hand-offs carry tokens). */
class Jetty12JdkPoolOutboundTest extends OutboundContractTest {
    @Override
    TestServer startServer() throws Exception {
        return new Jetty12Server(1, true);
    }
}
