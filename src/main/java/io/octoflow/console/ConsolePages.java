package io.octoflow.console;

/**
 * The console's HTML pages: sign-in, the console's frame (its script draws the pages inside it from the REST API),
 * and an error page. No inline script or style (the Content-Security-Policy forbids both); nothing from a request
 * is written into a page but the session's own CSRF token (base64url, nothing to escape).
 */
final class ConsolePages {

    private ConsolePages() {
    }

    private static String head(String title) {
        return head(title, "");
    }

    private static String head(String title, String meta) {
        return """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%s · Octoflow</title>
                <link rel="stylesheet" href="/console/console.css">%s</head>
                """.formatted(title, meta);
    }

    /** The sign-in form; {@code problem} (fixed text, not user input) says why the last attempt failed. */
    static String signIn(String problem) {
        return head("Sign in") + """
                <body class="signin"><main class="signin-box">
                <h1>Octoflow</h1>
                %s
                <form method="post" action="/console/signin" autocomplete="off">
                <label for="token">API token</label>
                <input id="token" name="token" type="password" required autofocus>
                <button id="signin" type="submit">Sign in</button>
                </form>
                <p class="hint">The token is API_TOKEN, or the file DATA_PATH/api-token (<code>cat data/api-token</code>).
                It stays on the server: the browser keeps only a session cookie.</p>
                </main></body></html>
                """.formatted(problem == null ? "" : "<p class=\"problem\" id=\"problem\">" + problem + "</p>");
    }

    /** The console's frame: navigation, sign-out, and the element its script fills. */
    static String console(String csrf) {
        return head("Console", "<meta name=\"csrf-token\" content=\"" + csrf + "\">") + """
                <body>
                <header><span class="brand">Octoflow</span>
                <nav>
                <a href="#/flows" id="nav-flows">Flows</a>
                <a href="#/runs" id="nav-runs">Runs</a>
                <a href="#/charts" id="nav-charts">Charts</a>
                <a href="#/locks" id="nav-locks">Locks</a>
                <a href="#/logs" id="nav-logs">Log</a>
                <a href="#/tasks" id="nav-tasks">Tasks</a>
                <a href="/api/docs">API</a>
                </nav>
                <form method="post" action="/console/signout" class="signout">
                <input type="hidden" name="csrf" value="%s">
                <button id="signout" type="submit">Sign out</button>
                </form></header>
                <p id="status" class="status"></p>
                <main id="app"></main>
                <script src="/console/console.js"></script>
                </body></html>
                """.formatted(csrf);
    }

    static String error(int status, String text) {
        return head("Error " + status) + """
                <body class="signin"><main class="signin-box"><h1>%d</h1><p class="problem">%s</p>
                <p><a href="/">Back to the console</a></p></main></body></html>
                """.formatted(status, text);
    }
}
