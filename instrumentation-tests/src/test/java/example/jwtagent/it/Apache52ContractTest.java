package example.jwtagent.it;

/** {@link ApacheLineContractTest} on Apache HttpClient 5.2. */
class Apache52ContractTest extends ApacheLineContractTest {
    @Override
    String libs() {
        return "apache5-5-2";
    }
}
