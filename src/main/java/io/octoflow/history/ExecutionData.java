package io.octoflow.history;

/**
 * A run's final data stored without its input. The data of a run holds the run's input again ({@code __input__}):
 * for a batch run (a {@code kafka} or {@code file} trigger with {@code batch}) 1,000 records, serialized, masked and
 * written twice. When {@code __input__} is still the input the run was launched with, the recorder serializes the
 * data without it and hands it over {@link #withoutInput marked}; the history then writes the data alone, with
 * {@code input_in_data} true (V14), and {@link #whole puts the input column back} as the data's first key when it
 * reads the run. Readers of the history (the API, the console, the stats) see the data as before.
 */
public final class ExecutionData {

    /** Leads a data JSON text written without its __input__; no JSON text starts with a control character. */
    private static final String INPUT_LEFT_OUT = "\u0000input-left-out\u0000";
    private static final String INPUT_KEY = "{\"__input__\":";

    private ExecutionData() {
    }

    /**
     * The final data of a run, serialized without {@code __input__} (a JSON object), for the recorder to hand to
     * {@link ExecutionRepository#finished} and {@link ExecutionRepository#record}: the history stores the run's
     * input column as the data's {@code __input__}. Only for data whose {@code __input__} is exactly the run's input
     * as its row was written at the start.
     */
    public static String withoutInput(String dataJsonObject) {
        if (dataJsonObject == null || !dataJsonObject.startsWith("{")) {
            throw new IllegalArgumentException("the data of a run is a JSON object, not " + dataJsonObject);
        }
        return INPUT_LEFT_OUT + dataJsonObject;
    }

    /** Whether {@code data} (as handed to the repository) was serialized without its {@code __input__}. */
    static boolean inputLeftOut(String data) {
        return data != null && data.startsWith(INPUT_LEFT_OUT);
    }

    /** The JSON text to store of {@code data} as handed to the repository. */
    static String stored(String data) {
        return inputLeftOut(data) ? data.substring(INPUT_LEFT_OUT.length()) : data;
    }

    /**
     * The data as the run ended: {@code stored}, with {@code input} put back as {@code __input__} when the row says
     * it was left out ({@code inputInData}).
     */
    static String whole(String stored, boolean inputInData, String input) {
        if (!inputInData || stored == null || !stored.startsWith("{")) {
            return stored;
        }
        String value = input == null ? "null" : input;
        String rest = stored.substring(1).stripLeading();
        return rest.startsWith("}") ? INPUT_KEY + value + rest : INPUT_KEY + value + "," + rest;
    }
}
