package example.jwtagent.it;

/** {@link ApacheLineClientBesideTheRequestTest} on Apache HttpClient 5.5. */
class Apache55ClientBesideTheRequestTest extends ApacheLineClientBesideTheRequestTest {
    @Override
    String libs() {
        return "apache5-5-5";
    }
}
