package dev.jwtagent.instrument;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.nameEndsWith;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each match selects the methods of real JDK and servlet classes that the instrumentations mean. */
class MethodMatchTest {
    @Test
    void completableFutureAsyncMethodsAsByteBuddyWouldSelectThem() {
        for (Class<?> shape : List.of(Supplier.class, Runnable.class, Function.class, Consumer.class, BiFunction.class, BiConsumer.class)) {
            for (int index = 0; index < 2; index++) {
                MethodMatch ours = MethodMatch.nameEndsWith("Async").argument(index, shape).publicOnly().notBridge();
                ElementMatcher<MethodDescription> byteBuddy =
                        isPublic().and(not(isBridge())).and(nameEndsWith("Async")).and(takesArgument(index, shape));
                assertEquals(selected(CompletableFuture.class, byteBuddy), selected(CompletableFuture.class, ours.toMatcher()),
                        shape.getSimpleName() + " at " + index);
            }
        }
        assertEquals(new TreeSet<>(List.of("exceptionallyAsync(Function)", "exceptionallyAsync(Function,Executor)",
                        "exceptionallyComposeAsync(Function)", "exceptionallyComposeAsync(Function,Executor)",
                        "thenApplyAsync(Function)", "thenApplyAsync(Function,Executor)",
                        "thenComposeAsync(Function)", "thenComposeAsync(Function,Executor)")),
                selected(CompletableFuture.class, MethodMatch.nameEndsWith("Async").argument(0, Function.class).publicOnly().notBridge().toMatcher()));
    }

    @Test
    void forkJoinHandOffsByNameAndPrefix() {
        MethodMatch ours = MethodMatch.named("execute", "submit", "submitWithTimeout").orNameStartsWith("invoke", "schedule")
                .publicOnly().notBridge().argument(0, Callable.class);
        ElementMatcher<MethodDescription> byteBuddy = isPublic().and(not(isBridge()))
                .and(namedOneOf("execute", "submit", "submitWithTimeout").or(nameStartsWith("invoke")).or(nameStartsWith("schedule")))
                .and(takesArgument(0, Callable.class));
        TreeSet<String> selected = selected(ForkJoinPool.class, ours.toMatcher());
        assertEquals(selected(ForkJoinPool.class, byteBuddy), selected);
        assertFalse(selected.isEmpty());
    }

    @Test
    void executeAndConstructorsByArgumentType() {
        assertEquals(new TreeSet<>(List.of("execute(Runnable)")),
                selected(ThreadPoolExecutor.class, MethodMatch.named("execute").argument(0, Runnable.class).toMatcher()));
        assertEquals(new TreeSet<>(List.of("<init>(Callable)")),
                selected(FutureTask.class, MethodMatch.constructors().argument(0, Callable.class).toMatcher()));
        assertEquals(selected(Thread.class, isConstructor().and(not(isPublic())).and(takesArgument(1, Runnable.class))),
                selected(Thread.class, MethodMatch.constructors().notPublic().argument(1, Runnable.class).toMatcher()));
        assertEquals(new TreeSet<>(List.of("invokeAll(Collection)", "invokeAll(Collection,long,TimeUnit)")),
                selected(AbstractExecutorService.class, MethodMatch.named("invokeAll").argument(0, Collection.class).publicOnly().toMatcher()));
    }

    @Test
    void servletEntryMethodsAreTheConcreteGenericOnes() {
        assertEquals(new TreeSet<>(List.of("service(ServletRequest,ServletResponse)")),
                selected(jakarta.servlet.http.HttpServlet.class, servletEntry()));
        assertEquals(new TreeSet<>(), selected(jakarta.servlet.GenericServlet.class, servletEntry()));
        assertEquals(new TreeSet<>(List.of("doFilter(ServletRequest,ServletResponse,FilterChain)")),
                selected(jakarta.servlet.http.HttpFilter.class, servletEntry()));
    }

    @Test
    void namePrefixAlone() {
        assertEquals(new TreeSet<>(List.of("invokeAll(Collection)", "invokeAll(Collection,long,TimeUnit)",
                        "invokeAny(Collection)", "invokeAny(Collection,long,TimeUnit)")),
                selected(AbstractExecutorService.class, MethodMatch.nameStartsWith("invokeA").toMatcher()));
        assertTrue(MethodMatch.nameStartsWith("lambda$disposeLater$").matches(0x1002, "lambda$disposeLater$2", "()Ljava/lang/Object;"));
        assertFalse(MethodMatch.nameStartsWith("lambda$disposeLater$").matches(0x1002, "lambda$drainLoop$8", "()V"));
    }

    @Test
    void exactArgumentCountAndOnlyArgument() {
        assertEquals(new TreeSet<>(List.of("execute(Runnable)")),
                selected(ThreadPoolExecutor.class, MethodMatch.named("execute", "shutdown").onlyArgument(Runnable.class).toMatcher()));
        assertEquals(new TreeSet<>(List.of("shutdown()")),
                selected(ThreadPoolExecutor.class, MethodMatch.named("execute", "shutdown").arguments(0).toMatcher()));
    }

    @Test
    void classFileMatchingAgreesWithTheByteBuddyMatcher() {
        List<MethodMatch> matches = List.of(
                MethodMatch.nameEndsWith("Async").argument(1, Function.class).publicOnly().notBridge(),
                MethodMatch.named("execute", "submit", "submitWithTimeout").orNameStartsWith("invoke", "schedule")
                        .publicOnly().notBridge().argument(0, Collection.class),
                MethodMatch.constructors().notPublic().argument(1, Runnable.class),
                MethodMatch.constructors().arguments(2),
                MethodMatch.named("newThread").onlyArgument(Runnable.class).notAbstract(),
                MethodMatch.named("addWorker"),
                MethodMatch.named("shutdown").arguments(0).or(MethodMatch.named("execute").arguments(1)));
        int matched = 0;
        for (Class<?> type : List.of(CompletableFuture.class, ForkJoinPool.class, ThreadPoolExecutor.class, Thread.class,
                FutureTask.class, jakarta.servlet.http.HttpServlet.class)) {
            for (MethodDescription.InDefinedShape method : TypeDescription.ForLoadedType.of(type).getDeclaredMethods()) {
                for (MethodMatch match : matches) {
                    boolean byteBuddy = match.toMatcher().matches(method);
                    assertEquals(byteBuddy, match.matches(method.getModifiers(), method.getInternalName(), method.getDescriptor()),
                            type.getSimpleName() + "." + method);
                    matched += byteBuddy ? 1 : 0;
                }
            }
        }
        assertTrue(matched >= 15, "matched " + matched);
    }

    @Test
    void arrayArgumentTypesAreRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> MethodMatch.named("x").argument(0, String[].class));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> MethodMatch.named("x").argument(0, "java.lang.String[]"));
    }

    private static ElementMatcher<MethodDescription> servletEntry() {
        String pkg = "jakarta.servlet";
        return MethodMatch.named("service").arguments(2)
                .argument(0, pkg + ".ServletRequest").argument(1, pkg + ".ServletResponse").notAbstract()
                .or(MethodMatch.named("doFilter").arguments(3)
                        .argument(0, pkg + ".ServletRequest").argument(1, pkg + ".ServletResponse").argument(2, pkg + ".FilterChain")
                        .notAbstract())
                .toMatcher();
    }

    /** The declared methods and constructors of {@code type} that {@code matcher} selects, as name(SimpleTypes). */
    private static TreeSet<String> selected(Class<?> type, ElementMatcher<? super MethodDescription> matcher) {
        TreeSet<String> names = new TreeSet<>();
        for (MethodDescription.InDefinedShape method : TypeDescription.ForLoadedType.of(type).getDeclaredMethods()) {
            if (matcher.matches(method)) {
                StringBuilder text = new StringBuilder(method.getInternalName()).append('(');
                for (int i = 0; i < method.getParameters().size(); i++) {
                    text.append(i == 0 ? "" : ",").append(method.getParameters().get(i).getType().asErasure().getSimpleName());
                }
                names.add(text.append(')').toString());
            }
        }
        return names;
    }
}
