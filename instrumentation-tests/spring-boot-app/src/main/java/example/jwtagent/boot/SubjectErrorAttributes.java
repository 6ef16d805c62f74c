package example.jwtagent.boot;

import org.springframework.boot.web.error.ErrorAttributeOptions;
import org.springframework.boot.webmvc.error.DefaultErrorAttributes;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.WebRequest;

import java.util.Map;

/**
 * Spring Boot's error attributes with the subject of the failed request and, when the request names
 * a downstream URL in {@code error-to}, the status of a call made there from the error dispatch.
 */
@Component
public class SubjectErrorAttributes extends DefaultErrorAttributes {
    private final Downstream downstream;

    public SubjectErrorAttributes(Downstream downstream) {
        this.downstream = downstream;
    }

    @Override
    public Map<String, Object> getErrorAttributes(WebRequest webRequest, ErrorAttributeOptions options) {
        Map<String, Object> attributes = super.getErrorAttributes(webRequest, options);
        attributes.put("subject", String.valueOf(webRequest.getAttribute(AttributesController.SUBJECT, RequestAttributes.SCOPE_REQUEST)));
        String to = webRequest.getParameter("error-to");
        if (to != null) {
            attributes.put("downstream", downstream.withRestClient(to));
        }
        return attributes;
    }
}
