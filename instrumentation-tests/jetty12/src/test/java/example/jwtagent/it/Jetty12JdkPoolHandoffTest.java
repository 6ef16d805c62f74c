package example.jwtagent.it;

/** As Jetty12HandoffTest, on Jetty's ExecutorThreadPool (a JDK ThreadPoolExecutor, whose hand-offs carry tokens). */
class Jetty12JdkPoolHandoffTest extends HandoffContractTest {
    @Override
    TestServer startServer() throws Exception {
        return new Jetty12Server(2, true);
    }
}
