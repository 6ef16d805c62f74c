package dev.jwtagent.bootstrap;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * The way from Tomcat's {@code RequestFacade} to the requests behind it, found by reflection: the
 * facade's protected field {@code request} (the connector's request, the servlet side) and that
 * request's public {@code getCoyoteRequest()} (the protocol side). Shared by {@link TomcatHeaders}
 * and {@link TomcatAttributes}; each says what it does when Tomcat's layout is another.
 */
final class TomcatFacade {
    static final String CLASS_NAME = "org.apache.catalina.connector.RequestFacade";

    /** The facade's field holding the connector's request. */
    final Field connectorRequest;
    /** (facade) -> the connector's request. */
    final MethodHandle connectorOf;
    /** (facade) -> the Coyote request; its type is {@link #coyoteType}. */
    final MethodHandle coyoteOf;
    final Class<?> coyoteType;

    private TomcatFacade(Field connectorRequest, MethodHandle connectorOf, MethodHandle coyoteOf, Class<?> coyoteType) {
        this.connectorRequest = connectorRequest;
        this.connectorOf = connectorOf;
        this.coyoteOf = coyoteOf;
        this.coyoteType = coyoteType;
    }

    /** Null when {@code requestClass} is not Tomcat's facade; throws when it is but cannot be reached. */
    static TomcatFacade of(Class<?> requestClass, MethodHandles.Lookup lookup) throws ReflectiveOperationException {
        if (!requestClass.getName().equals(CLASS_NAME)) {
            return null;
        }
        Field connectorRequest = requestClass.getDeclaredField("request");
        connectorRequest.setAccessible(true);
        Method coyoteRequest = connectorRequest.getType().getMethod("getCoyoteRequest");
        MethodHandle connectorOf = lookup.unreflectGetter(connectorRequest);
        return new TomcatFacade(connectorRequest, connectorOf, MethodHandles.filterReturnValue(connectorOf, lookup.unreflect(coyoteRequest)),
                coyoteRequest.getReturnType());
    }
}
