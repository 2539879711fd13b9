package io.octoflow.api;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** Whether a value's JSON fits in a number of bytes, found by writing it to a counter: nothing is buffered. */
final class JsonSize {

    private JsonSize() {
    }

    static boolean atMost(ObjectMapper json, Object value, long maxBytes) {
        Counter counter = new Counter(maxBytes);
        try {
            // compact: the limit counts the data, not the indentation of the answer
            json.writer().without(SerializationFeature.INDENT_OUTPUT).writeValue(counter, value);
        } catch (IOException e) {
            if (counter.over()) {
                return false;
            }
            throw new UncheckedIOException(e);
        }
        return true;
    }

    /** Counts the bytes written; stops the writing once they pass the limit. */
    private static final class Counter extends OutputStream {

        private final long limit;
        private long count;

        Counter(long limit) {
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            add(1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            add(len);
        }

        private void add(long n) throws IOException {
            count += n;
            if (over()) {
                throw new IOException("over the limit"); // stops Jackson (which may wrap it)
            }
        }

        boolean over() {
            return count > limit;
        }
    }
}
