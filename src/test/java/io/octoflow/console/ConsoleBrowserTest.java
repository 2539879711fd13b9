package io.octoflow.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.support.HeadlessChromium;
import io.octoflow.support.ServiceFixture;
import io.octoflow.support.TestHttpServer;

/**
 * The console in a real headless Chromium against a real service: sign in, see the flows and an invalid file's
 * line, launch a flow and watch its run appear and succeed, open its timeline, pause and resume a schedule, watch a
 * running run's timeline grow as its steps finish, find no secret anywhere in any page, sign out. One browser for the
 * class; the tests run in order on one session.
 * With {@code -Doctoflow.screenshots=true} each page is saved into docs/console/ (docs/CONSOLE.md shows them).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {

    private static final String PASSWORD = "Console-Secret-Value-9931";

    @TempDir
    static Path root;
    static ServiceFixture service;
    static HeadlessChromium chromium;
    static WebDriver browser;
    static TestHttpServer gate;
    static final CountDownLatch gateOpen = new CountDownLatch(1);

    @BeforeAll
    static void start() throws Exception {
        service = new ServiceFixture(root);
        service.files().secretsFile("""
                - name: warehouse
                  username: loader
                  password: %s
                """.formatted(PASSWORD));
        service.files().dataFile("copied/password.txt", PASSWORD);
        service.files().flow("hello.yml", """
                name: hello
                cron: "0 0 6 * * ?"
                steps:
                  - name: greet
                    type: set_fact
                    set_fact:
                      value: {greeting: "hello {{ who | default('world') }}"}
                  - name: count
                    type: set_fact
                    result_key: octoflow_series
                    set_fact:
                      value: {high: 7, low: 2}
                """);
        service.files().flow("leak.yml", """
                name: leak
                every_seconds: 86400
                steps:
                  - name: password
                    type: file
                    file:
                      path: copied/password.txt
                      type: text
                  - name: show
                    type: debug
                    debug:
                      message: "the password is {{ password }}"
                """);
        // a middle step that waits on a real HTTP server until the test opens the gate
        gate = TestHttpServer.start();
        gate.respond("/gate", request -> {
            try {
                gateOpen.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return TestHttpServer.Response.json("{\"opened\": true}");
        });
        service.files().flow("gated.yml", """
                name: gated
                steps:
                  - name: first
                    type: set_fact
                    set_fact:
                      value: 1
                  - name: wait at the gate
                    type: rest
                    rest:
                      uri: "%s"
                  - name: last
                    type: set_fact
                    set_fact:
                      value: 2
                """.formatted(gate.url("/gate")));
        service.files().flow("broken.yml", """
                name: broken
                steps:
                  - name: oops
                    type: no_such_step_type
                """);
        service.start();
        chromium = HeadlessChromium.start(root.resolve("chromium-profile"));
        browser = chromium.driver();
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        gateOpen.countDown();
        if (service != null) {
            service.close();
        }
        if (gate != null) {
            gate.close();
        }
    }

    private static WebElement visible(By by) {
        return chromium.await().until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** Clicks what {@code by} finds, again if the page redrew it in between (live pages redraw on new data). */
    private static void click(By by) {
        chromium.await().ignoring(StaleElementReferenceException.class).until(d -> {
            d.findElement(by).click();
            return true;
        });
    }

    private static void open(String hash) {
        browser.get(service.url("/" + hash));
    }

    @Test
    @Order(1)
    void signInThenTheFlowsWithTheirScheduleAndAnInvalidFilesLine() {
        open("");
        chromium.screenshot("signin");
        visible(By.id("token")).sendKeys("wrong-token");
        browser.findElement(By.id("signin")).click();
        assertThat(visible(By.id("problem")).getText()).contains("not the API token");

        visible(By.id("token")).sendKeys(ServiceFixture.TOKEN);
        browser.findElement(By.id("signin")).click();
        WebElement hello = visible(By.cssSelector("#flows tr[data-path='hello.yml']"));
        assertThat(hello.getText()).contains("hello", "cron 0 0 6 * * ?");

        JsonNode problem = service.get("/api/flows").json().at("/invalid_files/0/problems/0");
        String line = "broken.yml:" + problem.get("line").asInt() + ":" + problem.get("column").asInt();
        chromium.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("invalid"), line));
        assertThat(browser.findElement(By.id("invalid")).getText()).contains(problem.get("message").asText());
        assertThat(browser.manage().getCookieNamed("octoflow_session").isHttpOnly()).isTrue();
    }

    @Test
    @Order(2)
    void launchAFlowWatchItsRunSucceedAndOpenItsTimeline() {
        open("#/flows");
        visible(By.id("launch-input")).sendKeys("{\"who\": \"console\"}");
        visible(By.cssSelector("#flows tr[data-path='hello.yml'] button.launch"));
        click(By.cssSelector("#flows tr[data-path='hello.yml'] button.launch"));
        chromium.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Launch hello.yml: done"));
        // a second run for the sparkline, then the runs page lists both as succeeded
        visible(By.cssSelector("#flows tr[data-path='hello.yml'] button.launch"));
        click(By.cssSelector("#flows tr[data-path='hello.yml'] button.launch"));
        chromium.await().until(d -> d.findElements(By.cssSelector("#flows tr[data-path='hello.yml'] svg.sparkline"))
                .size() == 1);
        chromium.screenshot("flows");

        open("#/runs");
        chromium.await().ignoring(StaleElementReferenceException.class).until(d -> d.findElement(
                By.cssSelector("#runs tr[data-status='success']")).getText().contains("hello"));
        chromium.screenshot("runs");
        // filtered by trigger: only leak.yml's first fire was scheduled (every_seconds fires at start)
        new Select(browser.findElement(By.id("filter-trigger"))).selectByValue("schedule");
        chromium.await().ignoring(StaleElementReferenceException.class).until(d -> d.findElements(
                By.cssSelector("#runs tbody tr")).stream().allMatch(row -> row.getText().contains("schedule")
                        && !row.getText().contains("hello")));
        new Select(browser.findElement(By.id("filter-trigger"))).selectByValue("api");
        visible(By.cssSelector("#runs tr[data-status='success'] a.run-link"));
        click(By.cssSelector("#runs tr[data-status='success'] a.run-link"));

        visible(By.cssSelector("#timeline rect[data-step='greet']"));
        visible(By.cssSelector("#timeline rect[data-step='count']"));
        assertThat(browser.findElement(By.id("run")).getText()).contains("\"greeting\"", "\"who\": \"console\"");
        chromium.screenshot("run");
    }

    @Test
    @Order(3)
    void pauseAndResumeASchedule() {
        open("#/flows");
        visible(By.cssSelector("#flows tr[data-path='hello.yml'] button.pause"));
        click(By.cssSelector("#flows tr[data-path='hello.yml'] button.pause"));
        visible(By.cssSelector("#flows tr[data-path='hello.yml'] .badge.paused"));
        assertThat(service.get("/api/flows").json().at("/deployed").findParents("path").stream()
                .filter(f -> f.get("path").asText().equals("hello.yml")).map(f -> f.get("paused").asBoolean()))
                .containsExactly(true);
        visible(By.cssSelector("#flows tr[data-path='hello.yml'] button.resume"));
        click(By.cssSelector("#flows tr[data-path='hello.yml'] button.resume"));
        chromium.await().until(ExpectedConditions.invisibilityOfElementLocated(
                By.cssSelector("#flows tr[data-path='hello.yml'] .badge.paused")));
        assertThat(service.get("/api/flows").json().findValues("paused")).allMatch(p -> !p.asBoolean());
    }

    @Test
    @Order(4)
    void aRunningRunsTimelineGrowsAsItsStepsFinish() {
        String id = service.post("/api/flows/launch", "{\"path\": \"gated.yml\"}").json().get("execution_id")
                .asText();
        open("#/run/" + id);
        // while a middle step waits at the gate: the first step's bar, the waiting step as a running bar, no later bar
        visible(By.cssSelector("#run[data-status='running'] #timeline rect[data-step='first']"));
        visible(By.cssSelector("#timeline rect.current.st-running[data-step='wait at the gate']"));
        assertThat(browser.findElements(By.cssSelector("#timeline rect[data-step='last']"))).isEmpty();
        assertThat(gate.hits("/gate")).isEqualTo(1);
        chromium.screenshot("run-live");

        gateOpen.countDown();
        visible(By.cssSelector("#run[data-status='success'] #timeline rect[data-step='last']"));
        assertThat(browser.findElements(By.cssSelector("#timeline rect.current"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("#timeline rect[data-step='wait at the gate'].st-success")))
                .hasSize(1);
    }

    @Test
    @Order(5)
    void noSecretAppearsOnAnyPage() {
        String id = service.post("/api/flows/launch?wait=true", "{\"path\": \"leak.yml\"}").json()
                .get("execution_id").asText();
        String[][] pages = {{"#/flows", "#flows tr[data-path='leak.yml']"}, {"#/runs", "#runs tr"},
                {"#/run/" + id, "#timeline rect[data-step='show']"}, {"#/charts", "#runs-chart"},
                {"#/locks", "#locks"}, {"#/logs", "#log-files"}, {"#/tasks", "#tasks"}};
        for (String[] page : pages) {
            open(page[0]);
            visible(By.cssSelector(page[1]));
            if (page[0].equals("#/logs")) {
                chromium.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"),
                        "the password is"));
            }
            String source = browser.getPageSource();
            assertThat(source).as(page[0]).doesNotContain(PASSWORD).doesNotContain(ServiceFixture.TOKEN);
            assertThat(browser.findElement(By.id("app")).getText()).as(page[0]).doesNotContain(PASSWORD);
            if (page[0].startsWith("#/run/")) {
                assertThat(browser.findElement(By.id("run")).getText()).contains("***");
            }
            String name = page[0].startsWith("#/run/") ? "run-masked" : page[0].substring(2);
            if (!name.equals("flows") && !name.equals("runs")) {
                chromium.screenshot(name);
            }
        }
    }

    @Test
    @Order(6)
    void signOutEndsTheSession() {
        open("#/flows");
        visible(By.id("signout")).click();
        visible(By.id("token"));
        assertThat(browser.manage().getCookieNamed("octoflow_session")).isNull();
        browser.get(service.url("/api/flows")); // no cookie, no token: the API refuses
        assertThat(browser.getPageSource()).contains("missing 'Authorization: Bearer");
    }
}
