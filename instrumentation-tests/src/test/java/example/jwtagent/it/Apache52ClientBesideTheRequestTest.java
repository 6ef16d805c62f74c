package example.jwtagent.it;

/** {@link ApacheLineClientBesideTheRequestTest} on Apache HttpClient 5.2. */
class Apache52ClientBesideTheRequestTest extends ApacheLineClientBesideTheRequestTest {
    @Override
    String libs() {
        return "apache5-5-2";
    }
}
