package example.jwtagent.it;

/** {@link ApacheLineClientBesideTheRequestTest} on Apache HttpClient 5.3. */
class Apache53ClientBesideTheRequestTest extends ApacheLineClientBesideTheRequestTest {
    @Override
    String libs() {
        return "apache5-5-3";
    }
}
