package io.octoflow.secret;

import java.util.Map;

/** A resolved secret: its name, its type and its fields (username/password, token, key...). */
public record Secret(String name, String type, Map<String, String> fields) {

    public String field(String key) {
        String value = fields.get(key);
        if (value == null || value.isEmpty()) {
            throw new SecretException("secret '" + name + "' (type " + type + ") has no '" + key + "'");
        }
        return value;
    }

    @Override
    public String toString() {
        return "Secret[" + name + ", " + type + "]";
    }
}
