package dev.jwtagent.instrument;

import dev.jwtagent.bootstrap.CarriedToken;
import dev.jwtagent.bootstrap.TokenCarrier;
import dev.jwtagent.bootstrap.TokenPropagatingRunnable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Wraps written into a real class file, which the JVM then verifies and runs. */
class ArgumentWrapWeaverTest {
    private static final CarriedToken TOKEN = new CarriedToken("a-secret-token-value", Long.MAX_VALUE, "sha256:aaaaaaaaaaaa");
    private static final List<ArgumentWrap> WRAPS = List.of(
            ArgumentWrap.of(0, "forExecutor", MethodMatch.named("execute").argument(0, Runnable.class)),
            ArgumentWrap.of(2, "forExecutor", MethodMatch.named("schedule").argument(2, Runnable.class)),
            ArgumentWrap.of(1, "forNewThread", MethodMatch.constructors().argument(1, Runnable.class)),
            ArgumentWrap.of(0, "forExecutor", MethodMatch.named("handOff")),
            ArgumentWrap.of(0, "forExecutor", MethodMatch.named("submit").argument(0, Callable.class)));

    /** Records what each method received. */
    public static class Pool {
        public static Object lastStatic;
        public Object last;

        public Pool() {
        }

        public Pool(String name, Runnable first) {
            last = first;
        }

        public void execute(Runnable task) {
            last = task;
        }

        /** A long before the task: the task is in slot 4 (this, long x2, int). */
        public void schedule(long delay, int times, Runnable task) {
            last = task;
        }

        public static void handOff(Runnable task) {
            lastStatic = task;
        }

        public void submit(Callable<?> task) {
            last = task;
        }

        public void keep(Runnable task) {
            last = task;
        }
    }

    @AfterEach
    void noToken() {
        TokenCarrier.swap(null);
    }

    @Test
    void withATokenEveryMatchedArgumentIsWrappedAndNothingElse() throws Exception {
        Class<?> pool = wovenPool();
        Runnable task = () -> { };
        TokenCarrier.swap(TOKEN);

        Object viaConstructor = pool.getConstructor(String.class, Runnable.class).newInstance("p", task);
        assertInstanceOf(TokenPropagatingRunnable.class, last(viaConstructor));

        Object instance = pool.getConstructor().newInstance();
        pool.getMethod("execute", Runnable.class).invoke(instance, task);
        assertInstanceOf(TokenPropagatingRunnable.class, last(instance));
        pool.getMethod("schedule", long.class, int.class, Runnable.class).invoke(instance, 5L, 2, task);
        assertInstanceOf(TokenPropagatingRunnable.class, last(instance));
        pool.getMethod("submit", Callable.class).invoke(instance, (Callable<String>) () -> "x");
        assertEquals("dev.jwtagent.bootstrap.TokenPropagatingCallable", last(instance).getClass().getName());
        pool.getMethod("handOff", Runnable.class).invoke(null, task);
        assertInstanceOf(TokenPropagatingRunnable.class, pool.getField("lastStatic").get(null));

        pool.getMethod("keep", Runnable.class).invoke(instance, task);
        assertSame(task, last(instance), "a method no wrap matches is unchanged");
    }

    @Test
    void withoutATokenTheArgumentArrivesAsItWasGiven() throws Exception {
        Class<?> pool = wovenPool();
        Runnable task = () -> { };
        Object instance = pool.getConstructor().newInstance();
        pool.getMethod("execute", Runnable.class).invoke(instance, task);
        assertSame(task, last(instance));
        pool.getMethod("schedule", long.class, int.class, Runnable.class).invoke(instance, 5L, 2, task);
        assertSame(task, last(instance));
    }

    @Test
    void aClassNoWrapMatchesIsLeftAlone() throws IOException {
        assertNull(ArgumentWrapWeaver.weave(WovenClasses.classFile(Pool.class),
                List.of(ArgumentWrap.of(0, "forExecutor", MethodMatch.named("execute").argument(0, Callable.class)))));
    }

    @Test
    void aHookThatDoesNotExistForTheArgumentTypeIsNotWritten() throws IOException {
        assertNull(ArgumentWrapWeaver.weave(WovenClasses.classFile(Pool.class),
                List.of(ArgumentWrap.of(0, "forAsyncStage", MethodMatch.named("submit")),
                        ArgumentWrap.of(0, "noSuchHook", MethodMatch.named("execute")))));
    }

    /** A task a priority queue would order. */
    static final class Ordered implements Runnable, Comparable<Ordered> {
        @Override
        public void run() {
        }

        @Override
        public int compareTo(Ordered other) {
            return 0;
        }
    }

    @Test
    void aWrapWithTheReceiverHandsTheHookTheObjectTooAndOnlyForInstanceMethods() throws Exception {
        byte[] woven = ArgumentWrapWeaver.weave(WovenClasses.classFile(Pool.class), List.of(
                ArgumentWrap.withReceiver(0, "forPoolExecute", MethodMatch.named("execute").argument(0, Runnable.class)),
                ArgumentWrap.withReceiver(0, "forPoolExecute", MethodMatch.named("handOff"))));
        assertNotNull(woven);
        Class<?> pool = WovenClasses.define(Pool.class.getName(), woven);
        Object instance = pool.getConstructor().newInstance();
        TokenCarrier.swap(TOKEN);
        Runnable plain = () -> { };
        pool.getMethod("execute", Runnable.class).invoke(instance, plain);
        assertInstanceOf(TokenPropagatingRunnable.class, last(instance), "the verifier took the woven call; a plain task is wrapped");
        Ordered ordered = new Ordered();
        pool.getMethod("execute", Runnable.class).invoke(instance, ordered);
        assertSame(ordered, last(instance), "forPoolExecute's own rule");
        pool.getMethod("handOff", Runnable.class).invoke(null, plain);
        assertSame(plain, pool.getField("lastStatic").get(null), "a static method has no receiver: not woven");
    }

    private static Object last(Object pool) throws ReflectiveOperationException {
        Field field = pool.getClass().getField("last");
        return field.get(pool);
    }

    private static Class<?> wovenPool() throws IOException {
        byte[] woven = ArgumentWrapWeaver.weave(WovenClasses.classFile(Pool.class), WRAPS);
        assertNotNull(woven);
        return WovenClasses.define(Pool.class.getName(), woven);
    }
}
