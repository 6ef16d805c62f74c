package example.jwtagent.it;

/** {@link ApacheLineClientBesideTheRequestTest} on Apache HttpClient 5.1. */
class ApacheOldestClientBesideTheRequestTest extends ApacheLineClientBesideTheRequestTest {
    @Override
    String libs() {
        return "apache-oldest";
    }
}
