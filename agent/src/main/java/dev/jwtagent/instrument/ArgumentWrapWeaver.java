package dev.jwtagent.instrument;

import dev.jwtagent.bootstrap.TokenTasks;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes {@link ArgumentWrap}s into a class file: for each matched method with code, at its start,
 * {@code arg = TokenTasks.hook(arg)} (or {@code hook(arg, this)}). Straight-line code before the method's own first instruction
 * needs no stack map frame and leaves the method's locals as they were, so the class file is
 * copied as it is except for the matched methods. A wrap whose hook does not exist for the
 * argument's type is not applied (see {@link #hookExists}).
 */
final class ArgumentWrapWeaver {
    private static final String HOOKS = Type.getInternalName(TokenTasks.class);
    /** Name and descriptor of every public static hook, such as {@code forExecutor(Ljava/lang/Runnable;)Ljava/lang/Runnable;}. */
    private static final Set<String> HOOK_METHODS = hookMethods();

    private ArgumentWrapWeaver() {
    }

    /** The class file with the wraps applied, or null when no method matched. */
    static byte[] weave(byte[] classFile, List<ArgumentWrap> wraps) {
        return weave(ClassReaders.open(classFile), wraps);
    }

    /** As {@link #weave(byte[], List)}, for a class file already opened. */
    static byte[] weave(ClassReader reader, List<ArgumentWrap> wraps) {
        ClassWriter writer = new ClassWriter(reader, 0);
        WrappingClassVisitor visitor = new WrappingClassVisitor(writer, wraps);
        reader.accept(visitor, 0);
        return visitor.changed ? writer.toByteArray() : null;
    }

    /** The wraps as a step of another weaver's pass, in front of {@code next}. */
    static ClassVisitor visitor(ClassVisitor next, List<ArgumentWrap> wraps) {
        return new WrappingClassVisitor(next, wraps);
    }

    static boolean hookExists(String hook, Type argumentType) {
        return argumentType.getSort() == Type.OBJECT
                && HOOK_METHODS.contains(hook + Type.getMethodDescriptor(argumentType, argumentType));
    }

    private static boolean hookExists(ArgumentWrap wrap, Type argumentType) {
        return wrap.withReceiver ? argumentType.getSort() == Type.OBJECT
                && HOOK_METHODS.contains(wrap.hook + hookDescriptor(wrap, argumentType)) : hookExists(wrap.hook, argumentType);
    }

    private static String hookDescriptor(ArgumentWrap wrap, Type argumentType) {
        return wrap.withReceiver ? Type.getMethodDescriptor(argumentType, argumentType, Type.getType(Object.class))
                : Type.getMethodDescriptor(argumentType, argumentType);
    }

    private static Set<String> hookMethods() {
        Set<String> methods = new HashSet<>();
        for (Method method : TokenTasks.class.getDeclaredMethods()) {
            if (Modifier.isPublic(method.getModifiers()) && Modifier.isStatic(method.getModifiers())) {
                methods.add(method.getName() + Type.getMethodDescriptor(method));
            }
        }
        return Collections.unmodifiableSet(methods);
    }

    private static final class WrappingClassVisitor extends ClassVisitor {
        private final List<ArgumentWrap> wraps;
        boolean changed;

        WrappingClassVisitor(ClassVisitor next, List<ArgumentWrap> wraps) {
            super(ClassReaders.API, next);
            this.wraps = wraps;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
            if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0 || !anyMayMatch(name)) {
                return next;
            }
            Type[] arguments = Type.getArgumentTypes(descriptor);
            List<ArgumentWrap> applied = new ArrayList<>();
            for (ArgumentWrap wrap : wraps) {
                if (wrap.index < arguments.length && wrap.methods.matches(access, name, descriptor)
                        && !(wrap.withReceiver && (access & Opcodes.ACC_STATIC) != 0)
                        && hookExists(wrap, arguments[wrap.index])) {
                    applied.add(wrap);
                }
            }
            if (applied.isEmpty()) {
                return next;
            }
            changed = true;
            return new WrappingMethodVisitor(next, applied, (access & Opcodes.ACC_STATIC) != 0, arguments);
        }

        /** Whether some wrap can apply to a method of this name: most methods are passed by name alone. */
        private boolean anyMayMatch(String name) {
            for (ArgumentWrap wrap : wraps) {
                if (wrap.methods.mayMatchName(name)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final class WrappingMethodVisitor extends MethodVisitor {
        private final List<ArgumentWrap> wraps;
        private final boolean isStatic;
        private final Type[] arguments;

        WrappingMethodVisitor(MethodVisitor next, List<ArgumentWrap> wraps, boolean isStatic, Type[] arguments) {
            super(ClassReaders.API, next);
            this.wraps = wraps;
            this.isStatic = isStatic;
            this.arguments = arguments;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            for (ArgumentWrap wrap : wraps) {
                Type type = arguments[wrap.index];
                int slot = slotOf(wrap.index);
                super.visitVarInsn(Opcodes.ALOAD, slot);
                if (wrap.withReceiver) {
                    super.visitVarInsn(Opcodes.ALOAD, 0);
                }
                super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, wrap.hook, hookDescriptor(wrap, type), false);
                super.visitVarInsn(Opcodes.ASTORE, slot);
            }
        }

        /** The local variable slot of argument {@code index}: after {@code this} and the arguments before it (long and double take two). */
        private int slotOf(int index) {
            int slot = isStatic ? 0 : 1;
            for (int i = 0; i < index; i++) {
                slot += arguments[i].getSize();
            }
            return slot;
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            // The inserted code holds one reference on the operand stack at a time, two with the receiver.
            super.visitMaxs(Math.max(maxStack, 2), maxLocals);
        }
    }
}
