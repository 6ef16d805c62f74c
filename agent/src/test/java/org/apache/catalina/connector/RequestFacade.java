package org.apache.catalina.connector;

/**
 * A class with the name of Tomcat's request facade but none of its layout (no {@code request}
 * field): what the agent meets in a Tomcat whose internals changed. Tomcat itself is not on the
 * agent's test class path.
 */
public final class RequestFacade {
}
