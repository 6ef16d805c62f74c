package dev.jwtagent.instrument;

import dev.jwtagent.bootstrap.CarriedToken;
import dev.jwtagent.bootstrap.TokenCarrier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hooks written around methods of a real class file, which the JVM then verifies and runs. */
class AroundWeaverTest {
    private static final CarriedToken TOKEN = new CarriedToken("a-secret-token-value", Long.MAX_VALUE, "sha256:aaaaaaaaaaaa");

    /** Records the token current inside each method; the shapes give the woven code branches, frames and handlers. */
    public static class Pool {
        public static Object seenStatic;
        public Object seenInside = "not called";

        public boolean addWorker(boolean fail) {
            seenInside = TokenCarrier.current();
            if (fail) {
                throw new IllegalStateException("could not start a worker");
            }
            return true;
        }

        /** A loop at the very start (a frame at the first instruction) and long locals. */
        public long loopFirst(long n) {
            long total = 0;
            for (long i = 0; i < n; i++) {
                total += i;
            }
            seenInside = TokenCarrier.current();
            return total;
        }

        /** A loop whose head is the method's first instruction: the loop jumps back to offset 0. */
        public int drainFirst(java.util.Deque<Object> queue) {
            for (;;) {
                Object next = queue.poll();
                if (next == null) {
                    return 0;
                }
                seenInside = TokenCarrier.current();
            }
        }

        /** The method's own handler must still catch what its own code throws. */
        public int withOwnHandler(String number) {
            try {
                seenInside = TokenCarrier.current();
                return Integer.parseInt(number);
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        public static double staticWide(double value, Object other) {
            seenStatic = TokenCarrier.current();
            return other == null ? value : value * 2;
        }

        public void service(Object request, Object response) {
            seenInside = TokenCarrier.current();
        }

        public void notMatched() {
            seenInside = TokenCarrier.current();
        }
    }

    @AfterEach
    void noToken() {
        TokenCarrier.swap(null);
    }

    @Test
    void theTokenIsHiddenInsideAndBackAfterEveryReturn() throws Exception {
        Class<?> pool = woven();
        Object instance = pool.getConstructor().newInstance();
        TokenCarrier.swap(TOKEN);

        assertEquals(true, pool.getMethod("addWorker", boolean.class).invoke(instance, false));
        assertNull(seenInside(instance));
        assertSame(TOKEN, TokenCarrier.current());

        assertEquals(10L, pool.getMethod("loopFirst", long.class).invoke(instance, 5L));
        assertNull(seenInside(instance));
        assertSame(TOKEN, TokenCarrier.current());

        assertEquals(0, pool.getMethod("drainFirst", java.util.Deque.class).invoke(instance, new java.util.ArrayDeque<>(List.of("a", "b"))));
        assertNull(seenInside(instance));
        assertSame(TOKEN, TokenCarrier.current());

        assertEquals(21, pool.getMethod("withOwnHandler", String.class).invoke(instance, "21"));
        assertNull(seenInside(instance));
        assertSame(TOKEN, TokenCarrier.current());

        assertEquals(6.0, pool.getMethod("staticWide", double.class, Object.class).invoke(null, 3.0, "x"));
        assertNull(pool.getField("seenStatic").get(null));
        assertSame(TOKEN, TokenCarrier.current());

        pool.getMethod("notMatched").invoke(instance);
        assertSame(TOKEN, seenInside(instance), "a method no around matches is unchanged");
    }

    @Test
    void theTokenIsBackWhenTheMethodThrowsAndItsOwnHandlerKeepsPrecedence() throws Exception {
        Class<?> pool = woven();
        Object instance = pool.getConstructor().newInstance();
        TokenCarrier.swap(TOKEN);

        InvocationTargetException thrown = assertThrows(InvocationTargetException.class,
                () -> pool.getMethod("addWorker", boolean.class).invoke(instance, true));
        assertInstanceOf(IllegalStateException.class, thrown.getCause());
        assertSame(TOKEN, TokenCarrier.current());

        assertEquals(-1, pool.getMethod("withOwnHandler", String.class).invoke(instance, "not a number"));
        assertNull(seenInside(instance));
        assertSame(TOKEN, TokenCarrier.current());
    }

    @Test
    void servletEntryLetsAnythingButHttpThroughAndLeavesTheThreadAsItWas() throws Exception {
        byte[] woven = AroundWeaver.weave(WovenClasses.classFile(Pool.class), List.of(Around.servletEntry(MethodMatch.named("service").arguments(2))));
        assertNotNull(woven);
        Class<?> pool = WovenClasses.define(Pool.class.getName(), woven);
        Object instance = pool.getConstructor().newInstance();
        TokenCarrier.swap(TOKEN);

        pool.getMethod("service", Object.class, Object.class).invoke(instance, "not a request", "not a response");
        assertSame(TOKEN, seenInside(instance), "the method ran");
        assertSame(TOKEN, TokenCarrier.current());
    }

    @Test
    void maxLocalsReadFromTheMethodTableAreWhatTheCodeDeclares() throws IOException {
        List<Around> everyMethod = List.of(Around.hidingToken(MethodMatch.nameEndsWith("")));
        for (Class<?> type : List.of(Pool.class, java.util.concurrent.ThreadPoolExecutor.class, java.util.HashMap.class)) {
            byte[] classFile;
            try (java.io.InputStream in = ClassLoader.getSystemResourceAsStream(type.getName().replace('.', '/') + ".class")) {
                classFile = in.readAllBytes();
            }
            java.util.Map<String, Integer> declared = new java.util.HashMap<>();
            new net.bytebuddy.jar.asm.ClassReader(classFile).accept(new net.bytebuddy.jar.asm.ClassVisitor(ClassReaders.API) {
                @Override
                public net.bytebuddy.jar.asm.MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                    if (AroundWeaver.applying(everyMethod, access, name, descriptor) == null) {
                        return null;
                    }
                    return new net.bytebuddy.jar.asm.MethodVisitor(ClassReaders.API) {
                        @Override
                        public void visitMaxs(int maxStack, int maxLocals) {
                            declared.put(name + descriptor, maxLocals);
                        }
                    };
                }
            }, net.bytebuddy.jar.asm.ClassReader.SKIP_FRAMES);
            assertTrue(declared.size() > 3, type + ": methods with code were visited");
            assertEquals(declared, AroundWeaver.maxLocals(new net.bytebuddy.jar.asm.ClassReader(classFile), everyMethod), type.getName());
        }
    }

    @Test
    void aClassNoAroundMatchesIsLeftAlone() throws IOException {
        assertNull(AroundWeaver.weave(WovenClasses.classFile(Pool.class), List.of(Around.hidingToken(MethodMatch.named("absent")))));
    }

    @Test
    void skippingNeedsAVoidMethod() {
        assertNull(AroundWeaver.applying(List.of(Around.servletEntry(MethodMatch.named("addWorker"))),
                java.lang.reflect.Modifier.PUBLIC, "addWorker", "(Z)Z"));
        assertTrue(AroundWeaver.applying(List.of(Around.hidingToken(MethodMatch.named("addWorker"))),
                java.lang.reflect.Modifier.PUBLIC, "addWorker", "(Z)Z") != null);
    }

    /** An application's executor that orders its tasks (the agent hands it them as they are) and runs them at once. */
    public static class OrderingExecutor implements java.util.concurrent.Executor {
        private final java.util.concurrent.PriorityBlockingQueue<Runnable> queue = new java.util.concurrent.PriorityBlockingQueue<>();
        public Object seenInside = "not called";

        @Override
        public void execute(Runnable task) {
            seenInside = TokenCarrier.current();
            task.run();
        }

        /** A static method of the same shape: the hook that takes the receiver is not written into it. */
        public static Object execute(Runnable task, Object other) {
            return TokenCarrier.current();
        }
    }

    /**
     * The hook given the receiver: an executor of the application's own runs with no token, and the
     * caller's is back after.
     */
    @Test
    void anApplicationsExecutorRunsWithoutTheToken() throws Exception {
        MethodMatch execute = MethodMatch.named("execute").argument(0, Runnable.class);
        assertNull(AroundWeaver.applying(List.of(Around.hidingTokenForApplicationExecute(execute)),
                java.lang.reflect.Modifier.PUBLIC | java.lang.reflect.Modifier.STATIC, "execute",
                "(Ljava/lang/Runnable;Ljava/lang/Object;)Ljava/lang/Object;"), "not written into a static method");
        byte[] woven = AroundWeaver.weave(WovenClasses.classFile(OrderingExecutor.class),
                List.of(Around.hidingTokenForApplicationExecute(execute.arguments(1))));
        assertNotNull(woven);
        Class<?> type = WovenClasses.define(OrderingExecutor.class.getName(), woven);
        Object executor = type.getConstructor().newInstance();
        java.lang.reflect.Method run = type.getMethod("execute", Runnable.class);
        TokenCarrier.swap(TOKEN);

        Object[] seenByTask = new Object[1];
        run.invoke(executor, (Runnable) () -> seenByTask[0] = TokenCarrier.current());
        assertNull(seenInside(executor), "a task taken as it is cannot carry the token: none while execute runs");
        assertNull(seenByTask[0]);
        assertSame(TOKEN, TokenCarrier.current(), "the caller's token is back after");
    }

    private static Class<?> woven() throws IOException {
        byte[] woven = AroundWeaver.weave(WovenClasses.classFile(Pool.class),
                List.of(Around.hidingToken(MethodMatch.named("addWorker", "loopFirst", "drainFirst", "withOwnHandler", "staticWide"))));
        assertNotNull(woven);
        return WovenClasses.define(Pool.class.getName(), woven);
    }

    private static Object seenInside(Object pool) throws ReflectiveOperationException {
        return pool.getClass().getField("seenInside").get(pool);
    }
}
