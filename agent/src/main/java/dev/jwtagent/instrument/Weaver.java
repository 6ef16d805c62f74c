package dev.jwtagent.instrument;

import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.implementation.auxiliary.AuxiliaryType;
import net.bytebuddy.dynamic.scaffold.TypeInitializer;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.OpenedClassReader;

import java.util.ArrayList;
import java.util.List;

/**
 * Inlines advice into one class file: the class file is read with ASM, each matched method passes
 * through Byte Buddy's advice visitor, and the result is written back. Byte Buddy's type builder
 * is not used: it would add nothing here (no member is added or removed, as retransformation of a
 * loaded class requires) and loads several hundred classes on the first weave. Only this class and
 * the advice resolution touch Byte Buddy, so a JVM in which nothing is instrumented never loads it.
 */
final class Weaver {
    byte[] weave(String binaryName, byte[] classFile, ClassLoader loader, List<AdviceSupport.AdviceRule> advice) {
        ClassFileLocator locator = new ClassFileLocator.Compound(
                ClassFileLocator.Simple.of(binaryName, classFile),
                loader == null ? ClassFileLocator.ForClassLoader.ofBootLoader() : ClassFileLocator.ForClassLoader.of(loader));
        TypePool pool = new TypePool.Default.WithLazyResolution(new TypePool.CacheProvider.Simple(), locator,
                TypePool.Default.ReaderMode.FAST);
        TypeDescription type = pool.describe(binaryName).resolve();

        List<AsmVisitorWrapper> visitors = new ArrayList<>(advice.size());
        for (AdviceSupport.AdviceRule each : advice) {
            visitors.add(each.visitor());
        }
        AsmVisitorWrapper wrapper = new AsmVisitorWrapper.Compound(visitors);
        int writerFlags = wrapper.mergeWriter(0);
        int readerFlags = wrapper.mergeReader(0);

        ClassReader reader = OpenedClassReader.of(classFile);
        ClassWriter writer = new ClassWriter(reader, writerFlags);
        ClassFileVersion version = ClassFileVersion.ofClassFile(classFile);
        // Advice that needs no auxiliary type or field cache, as the agent's does not, runs with a disabled context.
        Implementation.Context.ExtractableView context = Implementation.Context.Disabled.Factory.INSTANCE.make(
                type, new AuxiliaryType.NamingStrategy.Enumerating("jwtagent"), TypeInitializer.None.INSTANCE, version, version);
        ClassVisitor visitor = wrapper.wrap(type, writer, context, pool, type.getDeclaredFields(), type.getDeclaredMethods(),
                writerFlags, readerFlags);
        reader.accept(visitor, readerFlags);
        return writer.toByteArray();
    }
}
