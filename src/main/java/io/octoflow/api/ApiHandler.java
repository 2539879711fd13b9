package io.octoflow.api;

import org.apache.camel.Exchange;

/** One API operation: reads the request from the exchange; returns the answer (JSON unless a {@link RawBody}). */
@FunctionalInterface
interface ApiHandler {
    Object handle(Exchange exchange) throws Exception;
}
