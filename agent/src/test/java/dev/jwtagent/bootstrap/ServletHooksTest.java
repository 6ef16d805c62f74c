package dev.jwtagent.bootstrap;

import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * What the servlet entry hooks do with objects that are not what a servlet container passes. The
 * container paths (accept, reject, fault, dispatches) are tested through real Tomcat and Jetty in
 * the instrumentation tests.
 */
class ServletHooksTest {
    private static final CarriedToken TOKEN = new CarriedToken("a-secret-token-value", Long.MAX_VALUE, "sha256:aaaaaaaaaaaa");

    @AfterEach
    void noToken() {
        TokenCarrier.swap(null);
        AgentBridge.install(null, "Authorization", "Authorization");
    }

    @Test
    void objectsThatAreNotHttpPassThroughAndLeaveTheThreadAsItWas() {
        TokenCarrier.swap(TOKEN);
        Object state = ServletHooks.enter("not a request", "not a response");
        assertNotNull(state, "the method runs");
        ServletHooks.exit(state);
        assertSame(TOKEN, TokenCarrier.current());
        assertNotNull(ServletHooks.enter(null, null), "a null request runs the method, as with the container's own checks");
    }

    /** An async listener's event that is not an AsyncEvent, or has no request: the listener runs with what the thread holds. */
    @Test
    void aListenerWhoseEventNamesNoDecidedRequestRunsAsBefore() {
        TokenCarrier.swap(TOKEN);
        for (Object event : new Object[] {null, "not an event", new Object()}) {
            Object state = ServletHooks.enterListener(event);
            assertNotNull(state, "the listener runs");
            assertSame(TOKEN, TokenCarrier.current());
            ServletHooks.exit(state);
            assertSame(TOKEN, TokenCarrier.current());
        }
    }

    /**
     * A request and response that implement interfaces named like the servlet API's but without
     * its methods (a stripped or stub API): the agent cannot decide, so the method must not run.
     */
    @Test
    void anHttpRequestThroughAServletApiTheAgentCannotUseIsNotLetThrough() throws Exception {
        StubApiLoader loader = new StubApiLoader();
        Object request = loader.loadClass("example.StubRequest").getConstructor().newInstance();
        Object response = loader.loadClass("example.StubResponse").getConstructor().newInstance();
        assertNull(ServletHooks.enter(request, response), "skipped: the request was not decided");
        assertNull(TokenCarrier.current());
    }

    /**
     * The same refusal while even logging the fault fails with an Error (the agent's jar replaced on
     * disk, say): the refusal still holds and nothing is thrown into the container.
     */
    @Test
    void aFaultWhileLoggingAnEntryFaultIsNotThrownIntoTheContainer() throws Exception {
        BridgeHooks failingToLog = (BridgeHooks) java.lang.reflect.Proxy.newProxyInstance(BridgeHooks.class.getClassLoader(),
                new Class<?>[] {BridgeHooks.class}, (proxy, method, arguments) -> {
                    if (method.getName().equals("servletEntryFault")) {
                        throw new NoClassDefFoundError("dev/jwtagent/log/AgentLog");
                    }
                    if (method.getName().equals("inboundReadsPath")) {
                        return true;
                    }
                    throw new IllegalStateException("unexpected call of " + method.getName());
                });
        AgentBridge.install(failingToLog, "Authorization", "Authorization");
        StubApiLoader loader = new StubApiLoader();
        Object request = loader.loadClass("example.StubRequest").getConstructor().newInstance();
        Object response = loader.loadClass("example.StubResponse").getConstructor().newInstance();
        assertNull(ServletHooks.enter(request, response), "skipped: the request was not decided");
        assertNull(TokenCarrier.current());
    }

    /** Defines empty interfaces named javax.servlet.http.HttpServletRequest/Response and one class implementing each. */
    private static final class StubApiLoader extends ClassLoader {
        private final Map<String, byte[]> classes = new HashMap<>();

        StubApiLoader() {
            super(ServletHooksTest.class.getClassLoader());
            classes.put("javax.servlet.http.HttpServletRequest", emptyInterface("javax/servlet/http/HttpServletRequest"));
            classes.put("javax.servlet.http.HttpServletResponse", emptyInterface("javax/servlet/http/HttpServletResponse"));
            classes.put("example.StubRequest", implementing("example/StubRequest", "javax/servlet/http/HttpServletRequest"));
            classes.put("example.StubResponse", implementing("example/StubResponse", "javax/servlet/http/HttpServletResponse"));
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            byte[] bytes = classes.get(name);
            if (bytes == null) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                return loaded != null ? loaded : defineClass(name, bytes, 0, bytes.length);
            }
        }

        private static byte[] emptyInterface(String internalName) {
            ClassWriter writer = new ClassWriter(0);
            writer.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_INTERFACE | Opcodes.ACC_ABSTRACT, internalName, null,
                    "java/lang/Object", null);
            writer.visitEnd();
            return writer.toByteArray();
        }

        private static byte[] implementing(String internalName, String api) {
            ClassWriter writer = new ClassWriter(0);
            writer.visit(Opcodes.V11, Opcodes.ACC_PUBLIC, internalName, null, "java/lang/Object", new String[] {api});
            MethodVisitor constructor = writer.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
            constructor.visitCode();
            constructor.visitVarInsn(Opcodes.ALOAD, 0);
            constructor.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
            constructor.visitInsn(Opcodes.RETURN);
            constructor.visitMaxs(1, 1);
            constructor.visitEnd();
            writer.visitEnd();
            return writer.toByteArray();
        }
    }
}
