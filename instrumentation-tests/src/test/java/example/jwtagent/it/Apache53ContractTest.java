package example.jwtagent.it;

/** {@link ApacheLineContractTest} on Apache HttpClient 5.3. */
class Apache53ContractTest extends ApacheLineContractTest {
    @Override
    String libs() {
        return "apache5-5-3";
    }
}
