package dev.jwtagent.instrument;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TypeMatchTest {
    private static final ClassLoader LOADER = TypeMatchTest.class.getClassLoader();

    interface Marker {
    }

    interface ExtendsMarker extends Marker {
    }

    static class Direct implements ThreadFactory {
        @Override
        public Thread newThread(Runnable r) {
            return new Thread(r);
        }
    }

    static class Indirect extends Direct {
    }

    static class ThroughInterface implements ExtendsMarker {
    }

    abstract static class AbstractFactory implements ThreadFactory {
    }

    static class Unrelated {
    }

    /** A thread factory whose newThread is an interface's default method. */
    interface DefaultFactory extends ThreadFactory {
        @Override
        default Thread newThread(Runnable r) {
            return new Thread(r);
        }
    }

    /** Declares newThread(Runnable) without being a ThreadFactory; a subclass that is one inherits it. */
    static class PlainBase {
        public Thread newThread(Runnable r) {
            return new Thread(r);
        }
    }

    static class FactoryThroughBase extends PlainBase implements ThreadFactory {
    }

    /** Declares newThread(Runnable), is no ThreadFactory, and no class in these tests extends it. */
    static class BaseOfNothing {
        public Thread newThread(Runnable r) {
            return new Thread(r);
        }
    }

    /** A JDK super class (Thread) that implements the JDK's Runnable. */
    static class WorkerThread extends Thread {
    }

    private static final Set<Class<?>> NONE = Collections.emptySet();

    private final SuperTypes superTypes = new SuperTypes();

    private static ClassHeader header(Class<?> type) throws IOException {
        try (InputStream in = LOADER.getResourceAsStream(type.getName().replace('.', '/') + ".class")) {
            return ClassHeader.read(in.readAllBytes());
        }
    }

    private boolean matches(TypeMatch match, Class<?> type) throws IOException {
        return match.acceptsName(type.getName()) && match.acceptsLoader(LOADER)
                && (!match.needsHierarchy() || match.acceptsHierarchy(header(type), LOADER, superTypes));
    }

    @Test
    void namedMatchesExactlyTheNamesGiven() {
        TypeMatch match = TypeMatch.named("java.util.concurrent.FutureTask", "java.lang.Thread");
        assertTrue(match.acceptsName("java.lang.Thread"));
        assertFalse(match.acceptsName("java.lang.ThreadGroup"));
        assertFalse(match.acceptsName("java.util.concurrent.FutureTask$WaitNode"));
        assertFalse(match.needsHierarchy(), "an exact name needs no class file");
    }

    @Test
    void subtypesAreFoundThroughSuperclassesAndSuperInterfaces() throws IOException {
        TypeMatch factories = TypeMatch.subtypesOf(ThreadFactory.class.getName());
        assertTrue(matches(factories, Direct.class));
        assertTrue(matches(factories, Indirect.class), "through the superclass's interface");
        assertTrue(matches(factories, AbstractFactory.class), "abstract classes are matched: their concrete methods get advice");
        assertFalse(matches(factories, Unrelated.class));

        TypeMatch markers = TypeMatch.subtypesOf(Marker.class.getName());
        assertTrue(matches(markers, ThroughInterface.class), "through an interface's super interface");
        assertFalse(matches(markers, ExtendsMarker.class), "interfaces themselves are never matched");
    }

    @Test
    void theNameFilterRunsBeforeAnyClassFileIsRead() throws IOException {
        TypeMatch match = TypeMatch.subtypesOf(ThreadFactory.class.getName()).namesContaining("Indirect");
        assertFalse(matches(match, Direct.class));
        assertTrue(matches(match, Indirect.class));
    }

    @Test
    void aNameFilterAcceptsANameContainingAnyOfItsFragments() {
        TypeMatch match = TypeMatch.subtypesOf(ThreadFactory.class.getName()).namesContaining("ThreadFactory", "example.Pool");
        assertTrue(match.acceptsName("org.apache.tomcat.util.threads.TaskThreadFactory"));
        assertTrue(match.acceptsName("example.Pool$Inner"));
        assertFalse(match.acceptsName("example.Other"));
        assertTrue(TypeMatch.subtypesOf(ThreadFactory.class.getName()).acceptsName("example.Other"), "no filter: any name");
        assertThrows(IllegalArgumentException.class, () -> TypeMatch.subtypesOf("x").namesContaining());
        assertThrows(IllegalStateException.class, () -> TypeMatch.named("x").namesContaining("x"));
    }

    @Test
    void aLoaderWithoutTheLibraryIsRefusedAndRemembered() throws IOException {
        TypeMatch match = TypeMatch.named(Direct.class.getName()).inLoadersWithAnyOf("jakarta.servlet.Servlet", Direct.class.getName());
        assertTrue(match.acceptsLoader(LOADER), "the second class name is visible to the test loader");
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            assertFalse(match.acceptsLoader(empty));
            assertTrue(match.acceptsLoader(LOADER), "each loader keeps its own answer when they alternate");
            assertFalse(match.acceptsLoader(empty));
            assertFalse(match.acceptsLoader(empty));
        }
        assertFalse(match.acceptsLoader(null), "libraries are never on the bootstrap class path");
        assertTrue(TypeMatch.named("x").acceptsLoader(null), "no library named: any loader");
    }

    @Test
    void aMissingSuperTypeEndsTheWalkWithoutMatching() {
        ClassHeader orphan = new ClassHeader("example.Orphan", 0, "example.DoesNotExist", new String[]{"example.AlsoMissing"});
        assertFalse(superTypes.isSubtypeOfAny(orphan, LOADER, java.util.Collections.singleton(ThreadFactory.class.getName())));
    }

    @Test
    void aJdkSuperTypeIsWalkedOnlyWhenATargetIsAJdkType() throws IOException {
        // Thread implements Runnable: a JDK target is found through a JDK super type...
        TypeMatch runnables = TypeMatch.subtypesOf(Runnable.class.getName());
        assertTrue(matches(runnables, WorkerThread.class));
        // ...while a non-JDK target is never looked for among the JDK's types (none can extend it).
        TypeMatch markers = TypeMatch.subtypesOf(Marker.class.getName());
        assertFalse(matches(markers, WorkerThread.class));
        assertTrue(matches(markers, ThroughInterface.class));
    }

    @Test
    void answersAreTheSameWhenTheSuperTypesWereWalkedBefore() throws IOException {
        TypeMatch factories = TypeMatch.subtypesOf(ThreadFactory.class.getName());
        for (int round = 0; round < 2; round++) {
            assertTrue(matches(factories, Indirect.class));
            assertTrue(matches(factories, Direct.class));
            assertFalse(matches(factories, Unrelated.class));
            assertFalse(matches(factories, ThroughInterface.class));
        }
    }

    /** Calls an entry method without declaring one, as a container's dispatcher does. */
    static class Dispatcher {
        void dispatch(jakarta.servlet.Servlet servlet, jakarta.servlet.ServletRequest request,
                      jakarta.servlet.ServletResponse response) throws Exception {
            servlet.service(request, response);
        }
    }

    /** Fields with attributes (a constant value, an annotation) come before the methods in the class file. */
    abstract static class FieldsThenService extends jakarta.servlet.GenericServlet {
        static final String CONSTANT = "constant";
        @Deprecated
        private int counter;

        @Override
        public void service(jakarta.servlet.ServletRequest request, jakarta.servlet.ServletResponse response) {
            counter++;
        }
    }

    private static final MethodMatch ENTRY_METHODS = MethodMatch.named("service").arguments(2)
            .argument(0, "jakarta.servlet.ServletRequest").argument(1, "jakarta.servlet.ServletResponse").notAbstract()
            .or(MethodMatch.named("doFilter").arguments(3).argument(0, "jakarta.servlet.ServletRequest")
                    .argument(1, "jakarta.servlet.ServletResponse").argument(2, "jakarta.servlet.FilterChain").notAbstract());

    @Test
    void onlyClassesDeclaringARewrittenMethodGetAsFarAsTheirSuperTypes() throws IOException {
        TypeMatch servlets = TypeMatch.subtypesOf("jakarta.servlet.Servlet", "jakarta.servlet.Filter")
                .declaring(ENTRY_METHODS, "(Ljakarta/servlet/ServletRequest;Ljakarta/servlet/ServletResponse;");
        assertTrue(servlets.acceptsClassFile(classFile(jakarta.servlet.http.HttpServlet.class)), "declares service(ServletRequest, ServletResponse)");
        assertTrue(servlets.acceptsClassFile(classFile(jakarta.servlet.http.HttpFilter.class)), "declares doFilter(ServletRequest, ServletResponse, FilterChain)");
        assertTrue(servlets.acceptsClassFile(classFile(FieldsThenService.class)), "fields and their attributes are skipped");
        assertFalse(servlets.acceptsClassFile(classFile(jakarta.servlet.GenericServlet.class)), "its service method is abstract");
        assertFalse(servlets.acceptsClassFile(classFile(jakarta.servlet.ServletRequestWrapper.class)),
                "startAsync(ServletRequest, ServletResponse) has the same argument types but another name");
        assertFalse(servlets.acceptsClassFile(classFile(Dispatcher.class)), "calls service() but does not declare it");
        assertFalse(servlets.acceptsClassFile(classFile(jakarta.servlet.http.Cookie.class)));
        assertFalse(servlets.acceptsClassFile(classFile(Direct.class)));
        assertTrue(servlets.acceptsClassFile("(Ljakarta/servlet/ServletRequest;Ljakarta/servlet/ServletResponse;"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII)), "has the text but is no class file: left to the other checks");
        assertTrue(servlets.acceptsClassFile(new byte[] {1, 2, 3}), "no class file at all: left to the other checks");
        assertTrue(TypeMatch.named("x").acceptsClassFile(new byte[0]), "no methods required");
    }

    private static byte[] classFile(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    @Test
    void aSuperTypeThatCannotBeReadMatchesAndIsReadAgainNextTime() throws IOException {
        FlakyLoader flaky = new FlakyLoader(Direct.class.getName());
        java.util.Set<String> markers = java.util.Collections.singleton(Marker.class.getName());
        // Indirect extends Direct: not a Marker. With Direct's class file unreadable, the walk cannot tell.
        assertTrue(superTypes.isSubtypeOfAny(header(Indirect.class), flaky, markers), "cannot tell: matched");
        flaky.failing = false;
        assertFalse(superTypes.isSubtypeOfAny(header(Indirect.class), flaky, markers), "read again, answered");
        flaky.failing = true;
        assertFalse(superTypes.isSubtypeOfAny(header(Indirect.class), flaky, markers), "now remembered");
    }

    /** A loader whose class file for one class cannot be read while {@code failing}. */
    private static final class FlakyLoader extends ClassLoader {
        private final String resource;
        volatile boolean failing = true;

        FlakyLoader(String className) {
            super(LOADER);
            this.resource = className.replace('.', '/') + ".class";
        }

        @Override
        public InputStream getResourceAsStream(String name) {
            if (failing && name.equals(resource)) {
                return new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("the jar was replaced");
                    }
                };
            }
            return super.getResourceAsStream(name);
        }
    }

    @Test
    void headersCarryNameSuperclassAndKind() throws IOException {
        ClassHeader indirect = header(Indirect.class);
        assertEquals(Indirect.class.getName(), indirect.name());
        assertEquals(Direct.class.getName(), indirect.superName());
        assertTrue(header(ExtendsMarker.class).isInterface());
    }

    @Test
    void loadedClassesAreMatchedByReflectionAlike() throws IOException {
        TypeMatch factories = TypeMatch.subtypesOf(ThreadFactory.class.getName());
        TypeMatch markers = TypeMatch.subtypesOf(Marker.class.getName());
        for (Class<?> type : new Class<?>[]{Direct.class, Indirect.class, AbstractFactory.class, Unrelated.class, ThroughInterface.class, ExtendsMarker.class}) {
            assertEquals(matches(factories, type), factories.acceptsLoadedHierarchy(type, NONE), type.getName());
            assertEquals(matches(markers, type), markers.acceptsLoadedHierarchy(type, NONE), type.getName());
        }
        assertTrue(markers.acceptsLoadedHierarchy(ThroughInterface.class, NONE));
        assertFalse(markers.acceptsLoadedHierarchy(ExtendsMarker.class, NONE));
    }

    /** Thread factories that declare newThread(Runnable) with code, as the thread instrumentation matches them. */
    private static TypeMatch newThreadSubtypes() {
        MethodMatch newThread = MethodMatch.named("newThread").arguments(1).argument(0, Runnable.class).notAbstract();
        return TypeMatch.subtypesOf(ThreadFactory.class.getName()).declaring(newThread, "(Ljava/lang/Runnable;)");
    }

    @Test
    void anInterfaceIsMatchedOnlyForADefaultMethodItDeclaresAndOnlyWhenTheMatchSaysSo() throws IOException {
        // A filter may inherit its doFilter from an interface's default method: that interface is what is rewritten.
        TypeMatch subtypes = newThreadSubtypes();
        TypeMatch declaring = subtypes.orAnyTypeDeclaringThem();
        assertTrue(subtypes.acceptsClassFile(classFile(DefaultFactory.class)), "it declares the method");
        assertFalse(matches(subtypes, DefaultFactory.class), "an interface, not matched by super type");
        assertFalse(subtypes.acceptsLoadedHierarchy(DefaultFactory.class, NONE));
        assertTrue(matches(declaring, DefaultFactory.class));
        assertTrue(declaring.acceptsLoadedHierarchy(DefaultFactory.class, NONE));
        assertFalse(declaring.acceptsClassFile(classFile(ThreadFactory.class)), "the target itself: its method is abstract");
        assertFalse(declaring.acceptsLoadedHierarchy(ThreadFactory.class, NONE), "nor by reflection");
        assertFalse(declaring.acceptsLoadedHierarchy(ExtendsMarker.class, NONE), "an interface declaring no such method");
    }

    @Test
    void aClassThatDeclaresTheMethodsMatchesWhateverItsSuperTypesWhenTheMatchSaysSo() throws IOException {
        // The filter inherits its entry method from a class that is no filter: that class is what must be rewritten.
        TypeMatch subtypes = newThreadSubtypes();
        TypeMatch declaring = subtypes.orAnyTypeDeclaringThem();
        assertFalse(subtypes.acceptsClassFile(classFile(FactoryThroughBase.class)), "the subclass declares nothing");
        assertTrue(subtypes.acceptsClassFile(classFile(PlainBase.class)));
        assertFalse(matches(subtypes, PlainBase.class), "no ThreadFactory");
        assertFalse(subtypes.acceptsLoadedHierarchy(PlainBase.class, NONE));
        assertTrue(declaring.acceptsClassFile(classFile(PlainBase.class)) && matches(declaring, PlainBase.class));
        List<Class<?>> loaded = Arrays.asList(PlainBase.class, FactoryThroughBase.class, BaseOfNothing.class, Unrelated.class, Direct.class);
        Set<Class<?>> candidates = declaring.superTypesOfLoadedSubtypes(loaded);
        assertTrue(declaring.acceptsLoadedHierarchy(PlainBase.class, candidates), "by reflection, when already loaded with a factory extending it");
        assertFalse(declaring.acceptsLoadedHierarchy(PlainBase.class, declaring.superTypesOfLoadedSubtypes(Arrays.asList(PlainBase.class, Direct.class))),
                "not while no loaded factory extends it");
        assertTrue(declaring.acceptsLoadedHierarchy(Direct.class, candidates), "a subtype still matches");
        assertTrue(declaring.acceptsClassFile(classFile(BaseOfNothing.class)), "as it loads, it is rewritten");
        assertFalse(declaring.acceptsLoadedHierarchy(BaseOfNothing.class, candidates), "loaded, and extended by no loaded factory: its methods are not listed");
        assertFalse(candidates.contains(BaseOfNothing.class));
        assertFalse(declaring.acceptsClassFile(classFile(Unrelated.class)));
        assertFalse(declaring.acceptsLoadedHierarchy(Unrelated.class, candidates), "declares no such method, is no subtype");
        assertThrows(IllegalStateException.class, () -> TypeMatch.subtypesOf(Marker.class.getName()).orAnyTypeDeclaringThem());
    }

    @Test
    void theAgentsOwnClassesAndUninstrumentedJdkPackagesAreIgnored() {
        Ignored ignored = new Ignored();
        assertTrue(ignored.name("dev.jwtagent.shaded.bytebuddy.asm.Advice"));
        assertTrue(ignored.name("java.util.HashMap"));
        assertTrue(ignored.name("javax.management.MBeanServer"));
        assertFalse(ignored.name("java.util.concurrent.ThreadPoolExecutor"));
        assertFalse(ignored.name("java.lang.Thread"));
        assertFalse(ignored.name("javax.servlet.http.HttpServlet"));
        assertFalse(ignored.name("org.apache.catalina.core.StandardWrapper"));
    }
}
