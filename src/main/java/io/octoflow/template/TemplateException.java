package io.octoflow.template;

/** A Jinja template or expression that does not parse or fails to render. */
public class TemplateException extends RuntimeException {
    public TemplateException(String message) {
        super(message);
    }
}
