package io.octoflow.api;

import org.apache.camel.model.rest.ResponseMessageDefinition;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.RestParamType;

/**
 * One REST DSL operation declared with what its OpenAPI document needs: an operationId, a summary, its typed
 * parameters and body, every answer with a description (and a schema for JSON ones), and the bearer token when it
 * wants one. Only documentation: no {@code consumes}/{@code produces} (platform-http would then refuse requests by
 * their Content-Type or Accept) and no default values (the REST binding would put them into the headers).
 */
final class RestOperation {

    /** The security scheme of the token every {@code /api} operation but the documentation wants. */
    static final String BEARER = "bearer";
    /** Prefix of the REST DSL's own route ids: Metrics leaves {@code api-*} routes out of the camel_* metrics. */
    static final String ROUTE_PREFIX = "api-rest-";

    private final RestDefinition rest;
    private boolean secured;

    private RestOperation(RestDefinition rest) {
        this.rest = rest;
    }

    /** {@code verb} is a just-declared verb ({@code rest.get("/x")}). */
    static RestOperation of(RestDefinition verb, String operationId, String summary) {
        verb.id(operationId).routeId(ROUTE_PREFIX + operationId).description(summary);
        return new RestOperation(verb);
    }

    /** Wants {@code Authorization: Bearer <token>}: 401 without it. */
    RestOperation secured() {
        rest.security(BEARER);
        secured = true;
        return this;
    }

    RestOperation path(String name, String description) {
        rest.param().name(name).type(RestParamType.path).dataType("string").required(true)
                .description(description).endParam();
        return this;
    }

    /** {@code dataType}: string, integer or boolean. */
    RestOperation query(String name, String dataType, String description) {
        rest.param().name(name).type(RestParamType.query).dataType(dataType).required(false)
                .description(description).endParam();
        return this;
    }

    RestOperation query(String name, String description, String... allowedValues) {
        rest.param().name(name).type(RestParamType.query).dataType("string").required(false)
                .allowableValues(allowedValues).description(description).endParam();
        return this;
    }

    /** A required JSON body of {@code type}'s schema. */
    RestOperation body(Class<?> type, String description) {
        rest.param().name("body").type(RestParamType.body).required(true).description(description).endParam();
        rest.type(type.getName());
        return this;
    }

    /** An answer with a JSON body of {@code model}'s schema. */
    RestOperation answer(int code, String description, Class<?> model) {
        return answer(code, description, model.getName());
    }

    /** An answer with a JSON array of {@code model}'s schema. */
    RestOperation answerList(int code, String description, Class<?> model) {
        return answer(code, description, model.getName() + "[]");
    }

    /** An answer with no JSON body (none, or the text or file the description names). */
    RestOperation answer(int code, String description) {
        rest.responseMessage().code(code).message(description).endResponseMessage();
        return this;
    }

    /** An error answer: {@code {"error": ...}}. */
    RestOperation error(int code, String description) {
        return answer(code, description, ApiSchemas.Error.class);
    }

    private RestOperation answer(int code, String description, String model) {
        ResponseMessageDefinition answer = rest.responseMessage().code(code).message(description);
        answer.setResponseModel(model); // by class name: nested classes have no loadable canonical name
        answer.endResponseMessage();
        return this;
    }

    /** Ends the declaration: the operation is answered by {@code uri}. */
    RestDefinition to(String uri) {
        if (secured) {
            error(401, "No 'Authorization: Bearer <token>' header, or not the API token");
            var verb = rest.getVerbs().get(rest.getVerbs().size() - 1);
            if (!"get".equals(verb.asVerb())) {
                error(403, "A web console session's change without its X-CSRF-Token header (docs/CONSOLE.md)");
            }
            error(500, "An unexpected failure, with its message (secrets masked)");
        }
        return rest.to(uri);
    }
}
