package io.octoflow.config;

/**
 * A setting (environment variable, system property or application.properties key) whose value Octoflow cannot use;
 * the message names the setting, the value and what is accepted, on one line for the command line to print.
 */
public final class InvalidSettingException extends IllegalArgumentException {

    public InvalidSettingException(String message, Throwable cause) {
        super(message, cause);
    }
}
