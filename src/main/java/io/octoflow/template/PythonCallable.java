package io.octoflow.template;

/**
 * A value a template calls by its variable's name, as Python calls any callable: {@code {{ pipe() }}} after
 * {@code {% set pipe = joiner('|') %}}, and {@code loop(children)} in a recursive loop. Jinjava only calls
 * functions registered by name and macros; {@link PythonCall} calls these too.
 */
interface PythonCallable {

    Object call(Object... args);
}
