package dev.jwtagent.bootstrap;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.PriorityBlockingQueue;

/**
 * Whether an executor of the application's own keeps its tasks in a queue that orders them
 * ({@code PriorityBlockingQueue}, {@code PriorityQueue}): such a queue compares the tasks with one
 * another, often with a comparator that casts them to the application's own task class, which a
 * wrapper is not; the executor gets its tasks as they are. Told by the executor's instance fields
 * that can hold such a queue (found once per class, up to the JDK's classes), read at each call:
 * a field declared as a {@code BlockingQueue} may hold either kind.
 */
final class TaskOrderingExecutors {
    private static final Field[] NONE = new Field[0];

    private static final ClassValue<Field[]> QUEUE_FIELDS = new ClassValue<Field[]>() {
        @Override
        protected Field[] computeValue(Class<?> type) {
            List<Field> found = new ArrayList<>();
            for (Class<?> c = type; c != null && c.getClassLoader() != null; c = c.getSuperclass()) {
                Field[] declared;
                try {
                    declared = c.getDeclaredFields();
                } catch (LinkageError | RuntimeException e) {
                    continue;
                }
                for (Field field : declared) {
                    Class<?> fieldType = field.getType();
                    if (Modifier.isStatic(field.getModifiers()) || fieldType == Object.class
                            || !(fieldType.isAssignableFrom(PriorityBlockingQueue.class) || fieldType.isAssignableFrom(PriorityQueue.class))) {
                        continue;
                    }
                    try {
                        field.setAccessible(true);
                        found.add(field);
                    } catch (RuntimeException e) {
                        // Not readable (a module that does not open it): not known to order its tasks.
                    }
                }
            }
            return found.isEmpty() ? NONE : found.toArray(NONE);
        }
    };

    private TaskOrderingExecutors() {
    }

    static boolean ordersItsTasks(Object executor) {
        if (executor == null) {
            return false;
        }
        for (Field field : QUEUE_FIELDS.get(executor.getClass())) {
            try {
                Object queue = field.get(executor);
                if (queue instanceof PriorityBlockingQueue || queue instanceof PriorityQueue) {
                    return true;
                }
            } catch (IllegalAccessException | RuntimeException e) {
                // Unreadable after all: the next field, if any, decides.
            }
        }
        return false;
    }
}
