package example.jwtagent.it;

/** {@link OkHttpAtSendContractTest} on OkHttp 3, in a child JVM (this module's class path has OkHttp 5). */
class OkHttp3AtSendTest extends OkHttpAtSendContractTest {
    @Override
    TestServer startService() throws Exception {
        return ClientContractTest.childService(ChildJvm.main(RelayChild.class).classPath(ChildJvm.libsAndTestClasses("okhttp3")).start());
    }
}
