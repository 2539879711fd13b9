package io.octoflow.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/**
 * The console's sign-in, session cookie, CSRF check, 401 page, security headers and the API's ETags, over plain
 * HTTP on a real service; and the executions' trigger filter and /api/stats the pages read.
 */
class ConsoleHttpTest {

    @TempDir
    static Path root;
    static ServiceFixture service;

    @BeforeAll
    static void start() throws Exception {
        service = new ServiceFixture(root);
        service.files().flow("hello.yml", """
                name: hello
                every_seconds: 86400
                steps:
                  - name: greet
                    type: set_fact
                    result_key: octoflow_series
                    set_fact:
                      value: {temperature: 21.5, humidity: "40", ignored: text}
                """);
        service.start();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private HttpRequest.Builder anonymous(String path) {
        return HttpRequest.newBuilder(URI.create(service.url(path)));
    }

    private Response signIn(String token) {
        return service.send(anonymous("/console/signin").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + token)));
    }

    /** The {@code octoflow_session=...} pair of a sign-in's Set-Cookie. */
    private static String cookie(Response signedIn) {
        return signedIn.header("Set-Cookie").split(";")[0];
    }

    private static String csrf(Response page) {
        int at = page.body().indexOf("name=\"csrf-token\" content=\"") + 27;
        return page.body().substring(at, page.body().indexOf('"', at));
    }

    @Test
    void signInGivesAnHttpOnlyStrictCookieAndTheConsoleWithItsCsrfToken() {
        Response page = service.send(anonymous("/"));
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<form method=\"post\" action=\"/console/signin\"", "API token");
        assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline");

        Response signedIn = signIn(ServiceFixture.TOKEN);
        assertThat(signedIn.status()).isEqualTo(303);
        assertThat(signedIn.header("Location")).isEqualTo("/");
        assertThat(signedIn.header("Set-Cookie")).startsWith("octoflow_session=")
                .contains("HttpOnly", "SameSite=Strict", "Path=/").doesNotContain(ServiceFixture.TOKEN);

        Response console = service.send(anonymous("/").header("Cookie", cookie(signedIn)));
        assertThat(console.body()).contains("id=\"app\"", "/console/console.js", "Sign out")
                .doesNotContain(ServiceFixture.TOKEN);
        assertThat(csrf(console)).hasSizeGreaterThan(30);
        assertThat(service.send(anonymous("/console/console.js")).header("Content-Type")).contains("javascript");
    }

    @Test
    void aWrongTokenGetsTheClear401PageAndATokenInTheUrlIsRefused() {
        Response wrong = signIn("not-the-token");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body()).contains("That is not the API token.").doesNotContain("not-the-token");
        assertThat(wrong.header("Set-Cookie")).isNull();

        Response inUrl = service.send(anonymous("/console/signin?token=" + ServiceFixture.TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(inUrl.status()).isEqualTo(400);
        assertThat(inUrl.body()).contains("never in the URL");
        assertThat(inUrl.header("Set-Cookie")).isNull();
    }

    @Test
    void theApiTakesTheCookieForReadsAndWantsTheCsrfTokenForChanges() {
        Response signedIn = signIn(ServiceFixture.TOKEN);
        String cookie = cookie(signedIn);
        String csrf = csrf(service.send(anonymous("/").header("Cookie", cookie)));

        assertThat(service.send(anonymous("/api/flows").header("Cookie", cookie)).status()).isEqualTo(200);
        Response noCsrf = service.send(anonymous("/api/flows/hello.yml/pause").header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(noCsrf.status()).isEqualTo(403);
        assertThat(noCsrf.json().get("error").asText()).contains("X-CSRF-Token");
        Response wrongCsrf = service.send(anonymous("/api/flows/hello.yml/pause").header("Cookie", cookie)
                .header("X-CSRF-Token", "forged").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(wrongCsrf.status()).isEqualTo(403);
        Response paused = service.send(anonymous("/api/flows/hello.yml/pause").header("Cookie", cookie)
                .header("X-CSRF-Token", csrf).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(paused.status()).as(paused.body()).isEqualTo(200);
        assertThat(paused.json().get("paused").asBoolean()).isTrue();
        service.post("/api/flows/hello.yml/resume", "");

        // signed out: the cookie is worth nothing, the API says why
        Response out = service.send(anonymous("/console/signout").header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("csrf=" + csrf)));
        assertThat(out.status()).isEqualTo(303);
        assertThat(out.header("Set-Cookie")).contains("Max-Age=0");
        Response after = service.send(anonymous("/api/flows").header("Cookie", cookie));
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.json().get("error").asText()).contains("sign in again");
        assertThat(service.send(anonymous("/").header("Cookie", cookie)).body()).contains("/console/signin");
        assertThat(service.send(anonymous("/api/flows").header("Cookie", "octoflow_session=made-up")).status())
                .isEqualTo(401);
    }

    @Test
    void signOutWithoutTheFormsCsrfTokenIsRefused() {
        String cookie = cookie(signIn(ServiceFixture.TOKEN));
        Response refused = service.send(anonymous("/console/signout").header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(service.send(anonymous("/api/flows").header("Cookie", cookie)).status()).isEqualTo(200);
    }

    @Test
    void getAnswersCarryAnETagAndAnUnchangedOneIs304WithoutABody() {
        Response first = service.get("/api/locks");
        String etag = first.header("ETag");
        assertThat(etag).startsWith("\"").endsWith("\"");
        Response again = service.send(service.request("/api/locks").header("If-None-Match", etag));
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        Response other = service.send(service.request("/api/locks").header("If-None-Match", "\"something-else\""));
        assertThat(other.status()).isEqualTo(200);
        assertThat(other.body()).isEqualTo(first.body());
    }

    @Test
    void runsFilterByTriggerAndStatsCountThemAndChartThePublishedSeries() {
        Response launched = service.post("/api/flows/launch?wait=true", "{\"path\": \"hello.yml\"}");
        assertThat(launched.status()).as(launched.body()).isEqualTo(200);
        String id = launched.json().get("execution_id").asText();

        assertThat(service.get("/api/executions?trigger=api").json().findValuesAsText("id")).contains(id);
        assertThat(service.get("/api/executions?trigger=schedule").json().findValuesAsText("id")).doesNotContain(id);
        Response bad = service.get("/api/executions?trigger=carrier-pigeon");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asText()).contains("trigger", "schedule", "api");

        Response stats = service.get("/api/stats?minutes=60");
        assertThat(stats.status()).as(stats.body()).isEqualTo(200);
        assertThat(stats.json().get("runs").findValuesAsText("status")).contains("success");
        assertThat(stats.json().get("durations").findValuesAsText("flow")).contains("hello.yml");
        var series = stats.json().get("series");
        // the schedule's first fire at start publishes too: each run adds these two points, never the text
        assertThat(series.findValuesAsText("name")).containsOnly("temperature", "humidity");
        assertThat(series.findValues("value")).extracting(v -> v.asDouble()).containsOnly(21.5, 40.0);
        assertThat(service.get("/api/stats?minutes=0").status()).isEqualTo(400);
    }
}
