package io.octoflow.step.types;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;

import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;

import io.octoflow.config.StepLimits;
import io.octoflow.execution.Cancellation;

/**
 * The outermost link of the rest steps' HTTP client chain (redirects, connection and body reading all happen inside
 * it), so that one call can neither outlive its run nor fill the heap:
 * <ul>
 * <li>while the call is under way it is registered with the run's {@link Cancellation}: a timeout or an abort
 * cancels the request (HttpClient closes its connection, or gives up waiting for one), so the run's thread returns
 * at once instead of waiting on a socket;</li>
 * <li>the body is read here, through a bound of {@code REST_RESPONSE_MAX_BYTES}: a larger Content-Length fails at
 * once, a longer stream (chunked, or decompressed) fails when it passes the bound; nothing beyond it is buffered.
 * Camel then reads the bytes kept here;</li>
 * <li>timeouts (connect, pool, read) fail with the setting that bounds them.</li>
 * </ul>
 * The run reaches the HTTP client through a thread-local set by the step right before its camel-http call, which runs
 * on the same thread. Errors name the URL without its user information and query, which may carry credentials.
 */
final class RestCallLimits implements ExecChainHandler {

    private static final ThreadLocal<Cancellation> CALLER = new ThreadLocal<>();

    private final StepLimits limits;

    RestCallLimits(StepLimits limits) {
        this.limits = limits;
    }

    /** The next rest call on this thread belongs to the run cancelled by {@code cancellation}. */
    static void callFor(Cancellation cancellation) {
        CALLER.set(cancellation);
    }

    /** The rest call of this thread is over. */
    static void callDone() {
        CALLER.remove();
    }

    @Override
    public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException, HttpException {
        Cancellation cancellation = CALLER.get();
        CALLER.remove(); // one call per setting: a call that failed before reaching here leaves nothing behind
        String where = where(scope.originalRequest);
        Cancellation.Registration registration = cancellation == null ? null
                : cancellation.whenCancelled(() -> abort(scope));
        try {
            ClassicHttpResponse response = chain.proceed(request, scope);
            readBounded(response, scope, where);
            return response;
        } catch (ConnectionRequestTimeoutException e) {
            throw stopped(cancellation, where, "no free connection to " + where + " within "
                    + limits.restConnectTimeoutSeconds() + " s (REST_CONNECT_TIMEOUT_SECONDS; at most "
                    + limits.restMaxConnectionsPerHost() + " connections per host, REST_MAX_CONNECTIONS_PER_HOST)");
        } catch (ConnectTimeoutException e) {
            throw stopped(cancellation, where, "could not connect to " + where + " within "
                    + limits.restConnectTimeoutSeconds() + " s (REST_CONNECT_TIMEOUT_SECONDS)");
        } catch (SocketTimeoutException e) {
            throw stopped(cancellation, where, "no answer from " + where + " for "
                    + limits.restReadTimeoutSeconds() + " s (REST_READ_TIMEOUT_SECONDS)");
        } catch (IOException | RuntimeException e) {
            if (cancellation != null && cancellation.isCancelled() && !(e instanceof RestLimitException)) {
                throw stopped(cancellation, where, null);
            }
            throw e;
        } finally {
            if (registration != null) {
                registration.close();
            }
        }
    }

    private static RestLimitException stopped(Cancellation cancellation, String where, String otherwise) {
        if (cancellation != null && cancellation.isCancelled()) {
            return new RestLimitException("call to " + where + " stopped: the run "
                    + (cancellation.reason() == io.octoflow.execution.RunStatus.TIMEOUT ? "timed out" : "was aborted"));
        }
        return new RestLimitException(otherwise);
    }

    /** Cancels the request: HttpClient closes its connection or stops waiting for one; the reading thread fails. */
    private static void abort(ExecChain.Scope scope) {
        if (scope.originalRequest instanceof Cancellable cancellable) {
            cancellable.cancel();
        }
        scope.execRuntime.discardEndpoint();
    }

    private void readBounded(ClassicHttpResponse response, ExecChain.Scope scope, String where) throws IOException {
        HttpEntity entity = response.getEntity();
        if (entity == null) {
            return;
        }
        long max = limits.restResponseMaxBytes();
        long declared = entity.getContentLength();
        if (declared > max) {
            scope.execRuntime.discardEndpoint();
            throw new RestLimitException("the response of " + where + " is " + declared + " bytes (Content-Length),"
                    + " more than REST_RESPONSE_MAX_BYTES (" + max + ")");
        }
        byte[] body;
        try (InputStream in = entity.getContent()) {
            body = readAtMost(in, max, scope, where);
        }
        String type = entity.getContentType();
        response.setEntity(new ByteArrayEntity(body, type == null ? null : ContentType.parseLenient(type),
                entity.getContentEncoding()));
    }

    private static byte[] readAtMost(InputStream in, long max, ExecChain.Scope scope, String where)
            throws IOException {
        if (in == null) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[16 * 1024];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            total += n;
            if (total > max) {
                scope.execRuntime.discardEndpoint(); // not read to its end: the connection cannot be reused
                throw new RestLimitException("the response of " + where + " is more than REST_RESPONSE_MAX_BYTES ("
                        + max + " bytes); reading stopped there");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** scheme://host:port/path of the request: no user information, no query (either may hold a credential). */
    static String where(ClassicHttpRequest request) {
        try {
            URI uri = request.getUri();
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
        } catch (URISyntaxException | RuntimeException e) {
            return "the server";
        }
    }

    /** A call ended by one of the limits, or by its run's end; its message names the setting. */
    static final class RestLimitException extends RuntimeException {
        RestLimitException(String message) {
            super(message);
        }
    }
}
