package dev.jwtagent.instrument;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

import java.util.List;

/**
 * Writes {@link BootDelegation}s into a class file: at the start of each matched method,
 * {@code if (name != null && name.startsWith(prefix)) return Class.forName(name, false, null);}.
 * Only JDK methods are called, so the woven loader needs nothing it might not see. The code after
 * it gets a stack map frame of its own (the method's frame on entry) and a {@code nop}, so that a
 * frame the method's own first instruction has stays one instruction further on.
 */
final class BootDelegationWeaver {
    private BootDelegationWeaver() {
    }

    /** The class file with the delegations written in, or null when no method matched. */
    static byte[] weave(byte[] classFile, List<BootDelegation> delegations) {
        ClassReader reader = ClassReaders.open(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        DelegatingClassVisitor visitor = new DelegatingClassVisitor(writer, delegations);
        reader.accept(visitor, ClassReader.EXPAND_FRAMES);
        return visitor.changed ? writer.toByteArray() : null;
    }

    private static final class DelegatingClassVisitor extends ClassVisitor {
        private final List<BootDelegation> delegations;
        private String owner;
        /** Class files before Java 6 have no stack map frames, and get none. */
        private boolean frames;
        boolean changed;

        DelegatingClassVisitor(ClassVisitor next, List<BootDelegation> delegations) {
            super(ClassReaders.API, next);
            this.delegations = delegations;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            owner = name;
            frames = (version & 0xFFFF) >= Opcodes.V1_6;
            super.visit(version, access, name, signature, superName, interfaces);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
            if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE | Opcodes.ACC_STATIC)) != 0) {
                return next;
            }
            Type[] arguments = Type.getArgumentTypes(descriptor);
            if (arguments.length == 0 || !arguments[0].getDescriptor().equals("Ljava/lang/String;")
                    || !Type.getReturnType(descriptor).getDescriptor().equals("Ljava/lang/Class;")) {
                return next;
            }
            for (BootDelegation delegation : delegations) {
                if (delegation.methods.matches(access, name, descriptor)) {
                    changed = true;
                    return new DelegatingMethodVisitor(next, delegation.packagePrefix, frames ? entryFrame(owner, arguments) : null);
                }
            }
            return next;
        }
    }

    /** The locals of an instance method on entry, as a stack map frame names them. */
    private static Object[] entryFrame(String owner, Type[] arguments) {
        Object[] locals = new Object[1 + arguments.length];
        locals[0] = owner;
        for (int i = 0; i < arguments.length; i++) {
            switch (arguments[i].getSort()) {
                case Type.BOOLEAN: case Type.CHAR: case Type.BYTE: case Type.SHORT: case Type.INT:
                    locals[i + 1] = Opcodes.INTEGER;
                    break;
                case Type.FLOAT:
                    locals[i + 1] = Opcodes.FLOAT;
                    break;
                case Type.LONG:
                    locals[i + 1] = Opcodes.LONG;
                    break;
                case Type.DOUBLE:
                    locals[i + 1] = Opcodes.DOUBLE;
                    break;
                default:
                    locals[i + 1] = arguments[i].getInternalName();
            }
        }
        return locals;
    }

    private static final class DelegatingMethodVisitor extends MethodVisitor {
        private final String packagePrefix;
        /** Null for a class file without frames. */
        private final Object[] entryFrame;

        DelegatingMethodVisitor(MethodVisitor next, String packagePrefix, Object[] entryFrame) {
            super(ClassReaders.API, next);
            this.packagePrefix = packagePrefix;
            this.entryFrame = entryFrame;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            Label proceed = new Label();
            super.visitVarInsn(Opcodes.ALOAD, 1);
            super.visitJumpInsn(Opcodes.IFNULL, proceed);
            super.visitVarInsn(Opcodes.ALOAD, 1);
            super.visitLdcInsn(packagePrefix);
            super.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/String", "startsWith", "(Ljava/lang/String;)Z", false);
            super.visitJumpInsn(Opcodes.IFEQ, proceed);
            super.visitVarInsn(Opcodes.ALOAD, 1);
            super.visitInsn(Opcodes.ICONST_0);
            super.visitInsn(Opcodes.ACONST_NULL);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Class", "forName",
                    "(Ljava/lang/String;ZLjava/lang/ClassLoader;)Ljava/lang/Class;", false);
            super.visitInsn(Opcodes.ARETURN);
            super.visitLabel(proceed);
            if (entryFrame != null) {
                super.visitFrame(Opcodes.F_NEW, entryFrame.length, entryFrame, 0, new Object[0]);
            }
            super.visitInsn(Opcodes.NOP);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            // Class.forName's three arguments on the operand stack.
            super.visitMaxs(Math.max(maxStack, 3), maxLocals);
        }
    }
}
