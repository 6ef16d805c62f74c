package example.jwtagent.it;

/** A servlet container running {@link RelayApp} behind a counting application filter. */
public interface TestServer extends AutoCloseable {
    /** Base URL, e.g. {@code http://localhost:PORT}. */
    String baseUrl();

    @Override
    void close() throws Exception;
}
