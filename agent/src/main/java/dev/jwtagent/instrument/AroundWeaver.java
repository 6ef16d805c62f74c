package dev.jwtagent.instrument;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@link Around}s into a class file. A matched method becomes:
 * <pre>
 *   state = Hooks.enter(arguments...)      // kept in a new local after all of the method's own
 *   [if (state == null) return;]           // skipWhenNull
 *   start: the method's code, with Hooks.exit(state) before each return
 *   end:   catch anything thrown in [start, end): Hooks.exit(state); rethrow
 * </pre>
 * The new local sits above the method's own ({@code max_locals}, read from the method table), so no
 * instruction of the method changes. The method's stack map frames are read expanded and get the
 * new local appended; the catch handler is the last entry of the exception table, so the method's
 * own handlers keep their precedence. Constructors and class initializers are never matched.
 */
final class AroundWeaver {
    private static final int FIRST_VERSION_WITH_FRAMES = Opcodes.V1_6;

    private AroundWeaver() {
    }

    /** The class file with the arounds applied, or null when no method matched. */
    static byte[] weave(byte[] classFile, List<Around> arounds) {
        return weave(classFile, arounds, Collections.<ArgumentWrap>emptyList());
    }

    /**
     * The class file with the arounds and the wraps applied, or null when no method matched. One
     * pass for both (a class given both, as {@code ForkJoinPool} and an application's executor are):
     * each pass copies and hashes the class's whole constant pool, in code the JVM still interprets
     * at startup. A method given both gets the wrap's code first, then the around's enter, as if the
     * wraps were written into the arounds' output: the around sees the wrapped argument.
     */
    static byte[] weave(byte[] classFile, List<Around> arounds, List<ArgumentWrap> wraps) {
        ClassReader reader = ClassReaders.open(classFile);
        Map<String, Integer> maxLocals = arounds.isEmpty() ? Collections.<String, Integer>emptyMap() : maxLocals(reader, arounds);
        if (maxLocals.isEmpty()) {
            return wraps.isEmpty() ? null : ArgumentWrapWeaver.weave(reader, wraps);
        }
        ClassWriter writer = new ClassWriter(reader, 0);
        // The around's visitCode calls on before writing its enter, so the wrap's code comes first.
        ClassVisitor next = wraps.isEmpty() ? writer : ArgumentWrapWeaver.visitor(writer, wraps);
        reader.accept(new AroundClassVisitor(next, arounds, maxLocals), ClassReader.EXPAND_FRAMES);
        return writer.toByteArray();
    }

    /**
     * {@code max_locals} of every method an around applies to, by name and descriptor, read from the
     * method table and the methods' {@code Code} attributes: no instruction is visited, and the
     * class is parsed by ASM once, for the rewrite, instead of twice.
     */
    static Map<String, Integer> maxLocals(ClassReader reader, List<Around> arounds) {
        Map<String, Integer> byMethod = new HashMap<>();
        char[] buffer = new char[reader.getMaxStringLength()];
        int offset = DeclaredMethods.methodTable(reader);
        int methods = reader.readUnsignedShort(offset);
        offset += 2;
        for (int i = 0; i < methods; i++) {
            int access = reader.readUnsignedShort(offset);
            String name = reader.readUTF8(offset + 2, buffer);
            String descriptor = reader.readUTF8(offset + 4, buffer);
            boolean applies = applying(arounds, access, name, descriptor) != null;
            int attributes = reader.readUnsignedShort(offset + 6);
            offset += 8;
            for (int a = 0; a < attributes; a++) {
                // attribute_name_index, attribute_length; for Code: max_stack, max_locals
                if (applies && "Code".equals(reader.readUTF8(offset, buffer))) {
                    byMethod.put(name + descriptor, reader.readUnsignedShort(offset + 8));
                }
                offset += 6 + reader.readInt(offset + 2);
            }
        }
        return byMethod;
    }

    /**
     * The first around that applies to a method, or null: only methods with code, to skip, void
     * ones, and for a hook that gets the receiver, instance methods.
     */
    static Around applying(List<Around> arounds, int access, String name, String descriptor) {
        if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0 || name.startsWith("<")) {
            return null;
        }
        boolean isStatic = (access & Opcodes.ACC_STATIC) != 0;
        for (Around around : arounds) {
            if (around.methods.matches(access, name, descriptor) && !(around.withReceiver && isStatic)
                    && (!around.skipWhenNull || Type.getReturnType(descriptor).getSort() == Type.VOID)) {
                return around;
            }
        }
        return null;
    }

    private static final class AroundClassVisitor extends ClassVisitor {
        private final List<Around> arounds;
        private final Map<String, Integer> maxLocals;
        private boolean frames;

        AroundClassVisitor(ClassVisitor next, List<Around> arounds, Map<String, Integer> maxLocals) {
            super(ClassReaders.API, next);
            this.arounds = arounds;
            this.maxLocals = maxLocals;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            frames = (version & 0xFFFF) >= FIRST_VERSION_WITH_FRAMES;
            super.visit(version, access, name, signature, superName, interfaces);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
            Integer stateSlot = maxLocals.get(name + descriptor);
            Around around = applying(arounds, access, name, descriptor);
            if (stateSlot == null || around == null) {
                return next;
            }
            return new AroundMethodVisitor(next, around, access, descriptor, stateSlot, frames);
        }
    }

    private static final class AroundMethodVisitor extends MethodVisitor {
        private final Around around;
        private final boolean isStatic;
        private final Type[] arguments;
        private final int stateSlot;
        private final boolean frames;
        private final Label start = new Label();
        private final Label end = new Label();
        private final Label handler = new Label();
        private final Label skip = new Label();

        AroundMethodVisitor(MethodVisitor next, Around around, int access, String descriptor, int stateSlot, boolean frames) {
            super(ClassReaders.API, next);
            this.around = around;
            this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
            this.arguments = Type.getArgumentTypes(descriptor);
            this.stateSlot = stateSlot;
            this.frames = frames;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            int slot = isStatic ? 0 : 1;
            if (around.withReceiver) {
                super.visitVarInsn(Opcodes.ALOAD, 0);
            }
            for (int i = 0; i < around.enterArguments; i++) {
                super.visitVarInsn(arguments[i].getOpcode(Opcodes.ILOAD), slot);
                slot += arguments[i].getSize();
            }
            super.visitMethodInsn(Opcodes.INVOKESTATIC, around.hooks, around.enter, around.enterDescriptor, false);
            super.visitVarInsn(Opcodes.ASTORE, stateSlot);
            if (around.skipWhenNull) {
                super.visitVarInsn(Opcodes.ALOAD, stateSlot);
                super.visitJumpInsn(Opcodes.IFNULL, skip);
            }
            super.visitLabel(start);
        }

        @Override
        public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
            if (type != Opcodes.F_NEW) {
                super.visitFrame(type, numLocal, local, numStack, stack);
                return;
            }
            Object[] withState = localsWithState(Arrays.copyOf(local, numLocal));
            super.visitFrame(Opcodes.F_NEW, withState.length, withState, numStack, stack);
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                callExit();
            }
            super.visitInsn(opcode);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitLabel(end);
            super.visitLabel(handler);
            if (frames) {
                Object[] locals = localsWithState(new Object[0]);
                super.visitFrame(Opcodes.F_NEW, locals.length, locals, 1, new Object[] {"java/lang/Throwable"});
            }
            callExit();
            super.visitInsn(Opcodes.ATHROW);
            if (around.skipWhenNull) {
                super.visitLabel(skip);
                if (frames) {
                    Object[] locals = localsWithState(new Object[0]);
                    super.visitFrame(Opcodes.F_NEW, locals.length, locals, 0, new Object[0]);
                }
                super.visitInsn(Opcodes.RETURN);
            }
            super.visitTryCatchBlock(start, end, handler, null);
            // At a return the state goes on top of the returned value; the handler holds the throwable and the state.
            super.visitMaxs(Math.max(maxStack + 1, Math.max(around.enterArguments + 1, 2)), stateSlot + 1);
        }

        private void callExit() {
            super.visitVarInsn(Opcodes.ALOAD, stateSlot);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, around.hooks, around.exit, around.exitDescriptor, false);
        }

        /** An expanded frame's locals, padded with TOP up to the state's slot, then the state. */
        private Object[] localsWithState(Object[] locals) {
            int slots = 0;
            for (Object local : locals) {
                slots += local == Opcodes.LONG || local == Opcodes.DOUBLE ? 2 : 1;
            }
            Object[] result = Arrays.copyOf(locals, locals.length + (stateSlot - slots) + 1);
            Arrays.fill(result, locals.length, result.length - 1, Opcodes.TOP);
            result[result.length - 1] = around.stateType;
            return result;
        }
    }
}
