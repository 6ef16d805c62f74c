package example.jwtagent.boot.actuator;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

/**
 * What a JMX client reads (SpringBootActuatorTest): every readable attribute of every MBean, and the
 * result of every read operation of Actuator's JMX endpoints ({@code org.springframework.boot}), called
 * with no arguments or nulls. Each line is {@code <object name> <attribute or operation>=<value>}.
 */
@RestController
public class JmxDumpController {
    @GetMapping("/public/jmx-dump")
    public String dump() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        StringBuilder out = new StringBuilder();
        for (ObjectName name : server.queryNames(null, null)) {
            MBeanInfo info = server.getMBeanInfo(name);
            for (MBeanAttributeInfo attribute : info.getAttributes()) {
                if (attribute.isReadable()) {
                    out.append(name).append(' ').append(attribute.getName()).append('=').append(read(server, name, attribute)).append('\n');
                }
            }
            if ("org.springframework.boot".equals(name.getDomain())) {
                for (MBeanOperationInfo operation : info.getOperations()) {
                    if (operation.getImpact() == MBeanOperationInfo.INFO) {
                        String[] signature = new String[operation.getSignature().length];
                        for (int i = 0; i < signature.length; i++) {
                            signature[i] = operation.getSignature()[i].getType();
                        }
                        Object result;
                        try {
                            result = server.invoke(name, operation.getName(), new Object[signature.length], signature);
                        } catch (Exception e) {
                            result = "failed: " + e;
                        }
                        out.append(name).append(' ').append(operation.getName()).append("()=").append(result).append('\n');
                    }
                }
            }
        }
        return out.toString();
    }

    private static String read(MBeanServer server, ObjectName name, MBeanAttributeInfo attribute) {
        try {
            Object value = server.getAttribute(name, attribute.getName());
            if (value instanceof Object[]) {
                return java.util.Arrays.deepToString((Object[]) value);
            }
            return String.valueOf(value);
        } catch (Exception | LinkageError e) {
            return "unreadable";
        }
    }
}
