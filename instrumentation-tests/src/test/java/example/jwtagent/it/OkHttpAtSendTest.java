package example.jwtagent.it;

/** {@link OkHttpAtSendContractTest} on OkHttp 5, called from Tomcat 11 in this JVM. */
class OkHttpAtSendTest extends OkHttpAtSendContractTest {
    @Override
    TestServer startService() throws Exception {
        return new TomcatJakartaServer(2);
    }
}
