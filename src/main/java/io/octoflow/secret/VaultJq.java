package io.octoflow.secret;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;

/** A hashicorp-vault entry's jq_expression, applied to the values Vault answered. */
final class VaultJq {

    private static final Scope ROOT = Scope.newEmptyScope();

    static {
        BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_7, ROOT);
    }

    private VaultJq() {
    }

    /** One output is the result; none is null; several are a list (the error then says it is no mapping). */
    static JsonNode apply(String secret, String expression, JsonNode input) {
        List<JsonNode> out = new ArrayList<>();
        try {
            JsonQuery.compile(expression, Versions.JQ_1_7).apply(Scope.newChildScope(ROOT), input, out::add);
        } catch (JsonQueryException e) {
            // jq's message may quote the input: say only where it failed
            throw new SecretException("secret '" + secret + "': jq_expression failed (" + e.getClass().getSimpleName()
                    + ")");
        }
        if (out.isEmpty()) {
            return NullNode.getInstance();
        }
        if (out.size() == 1) {
            return out.get(0);
        }
        return new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(out);
    }
}
