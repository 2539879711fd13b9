package io.octoflow.api;

import java.util.concurrent.CompletionStage;

import org.apache.camel.Exchange;

/**
 * An API operation answered later, by the thread that completes its stage (the launch thread that ends a run), so
 * that no thread waits meanwhile; its answer and errors are those of an {@link ApiHandler}. Its route must be
 * answered by {@link AsyncAnswerConsumer} (see {@link ApiRoutes#ASYNC_PATHS}).
 */
@FunctionalInterface
interface AsyncApiHandler {
    CompletionStage<Object> handle(Exchange exchange) throws Exception;
}
