package example.jwtagent.it;

/** {@link ApacheLineContractTest} on Apache HttpClient 5.4. */
class Apache54ContractTest extends ApacheLineContractTest {
    @Override
    String libs() {
        return "apache5-5-4";
    }
}
