package io.octoflow.api;

/** A handler's answer sent as it is, not as JSON. */
record RawBody(String contentType, byte[] content) {
}
