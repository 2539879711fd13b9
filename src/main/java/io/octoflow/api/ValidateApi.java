package io.octoflow.api;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;

import io.octoflow.operations.FlowValidator;

/** {@code POST /api/validate}: the problems of the flow YAML sent, with their lines, as if it were deployed. */
final class ValidateApi {

    private final FlowValidator validator;

    ValidateApi(FlowValidator validator) {
        this.validator = validator;
    }

    Object validate(Exchange exchange) throws IOException {
        String yaml = exchange.getMessage().getBody(String.class);
        if (yaml == null || yaml.isBlank()) {
            throw new ApiException(400, "send the flow YAML as the request body");
        }
        FlowValidator.Validation validation = validator.check(yaml);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("valid", validation.valid());
        answer.put("problems", ApiViews.problems(validation.problems(), validation.file()));
        return answer;
    }
}
