package example.jwtagent.it;

/** SPEC section 5 on Undertow 2.3: AsyncContext.start and dispatch run on its XNIO worker pool (two threads). */
class UndertowHandoffTest extends HandoffContractTest {
    @Override
    TestServer startServer() throws Exception {
        return new UndertowServer(2);
    }
}
