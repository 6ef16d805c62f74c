package example.jwtagent.it;

/** {@link ApacheLineClientBesideTheRequestTest} on Apache HttpClient 5.4. */
class Apache54ClientBesideTheRequestTest extends ApacheLineClientBesideTheRequestTest {
    @Override
    String libs() {
        return "apache5-5-4";
    }
}
