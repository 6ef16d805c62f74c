package example.jwtagent.it;

/** {@link ApacheLineContractTest} on Apache HttpClient 5.5. */
class Apache55ContractTest extends ApacheLineContractTest {
    @Override
    String libs() {
        return "apache5-5-5";
    }
}
