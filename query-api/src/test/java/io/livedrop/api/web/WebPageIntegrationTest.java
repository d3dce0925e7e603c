package io.livedrop.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.api.testing.ApiIntegrationTest;
import io.livedrop.api.testing.GraphQlHttp;
import io.livedrop.api.testing.Tokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.stream.Collectors;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

/**
 * The web page in headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, installed by ./livedrop test),
 * against the whole application: a shopper follows a creator, the creator schedules a drop, the shopper is told,
 * double-clicks Buy and gets one CONFIRMED order, and a second shopper sees the stock fall. Each step's screenshot is
 * saved under target/screenshots/.
 */
class WebPageIntegrationTest extends ApiIntegrationTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target/screenshots");
    static final Duration WAIT = Duration.ofSeconds(20);

    @BeforeAll
    static void chromium() throws Exception {
        assertThat(CHROMIUM).as("Debian's chromium: apt-get install -y chromium chromium-driver (./livedrop test does)")
                .isExecutable();
        assertThat(CHROMEDRIVER).as("Debian's chromium-driver: apt-get install -y chromium-driver (./livedrop test does)")
                .isExecutable();
        Files.createDirectories(SCREENSHOTS);
    }

    static ChromeDriver newBrowser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,900",
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        // one driver service per browser: quitting a driver stops its service
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    @Test
    void shouldTellAFollowerOfTheDropAndSellExactlyOneUnitForADoubleClick() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String creator = "creator-" + id;
        String fan = "fan-" + id;
        String watcher = "watcher-" + id;
        String product = "Hoodie " + id;
        List<ChromeDriver> browsers = List.of(newBrowser(), newBrowser(), newBrowser());
        try {
            ChromeDriver creatorPage = browsers.get(0);
            ChromeDriver fanPage = browsers.get(1);
            ChromeDriver watcherPage = browsers.get(2);

            // Given a creator with a product, and a fan who follows them
            signIn(creatorPage, creator, true);
            type(creatorPage, "#product-name", product);
            click(creatorPage, "#product-form button");
            waitFor(creatorPage, "#drop-product option[value]:not([value=''])");
            screenshot(creatorPage, "1-creator-product");

            signIn(fanPage, fan, false);
            type(fanPage, "#follow-id", creator);
            click(fanPage, "#follow-form button");
            waitForText(fanPage, "#toasts", "Following " + creator);
            screenshot(fanPage, "2-shopper-follows");

            // When the creator schedules a drop of 5 that starts now
            WebElement stock = creatorPage.findElement(By.cssSelector("#drop-stock"));
            stock.clear();
            stock.sendKeys("5");
            click(creatorPage, "#drop-form button");
            WebElement myDrop = waitFor(creatorPage, "#my-drops .card[data-drop-id]");
            String dropId = myDrop.getAttribute("data-drop-id");
            waitForText(creatorPage, "#my-drops .card .status", "LIVE");

            // Then the fan is told, and the drop is live on their page
            waitForText(fanPage, "#toasts", creator + " just dropped " + product);
            WebElement card = waitFor(fanPage, "#live .card[data-drop-id='" + dropId + "']");
            screenshot(fanPage, "3-shopper-toast");

            // And a second shopper sees it with its full stock
            signIn(watcherPage, watcher, false);
            waitForStock(watcherPage, "#live .card[data-drop-id='" + dropId + "'] .stock", "5");

            // When the fan double-clicks Buy
            WebElement buy = card.findElement(By.cssSelector(".buy"));
            new Actions(fanPage).doubleClick(buy).perform();

            // Then the order is CONFIRMED, and only one order exists
            waitForText(fanPage, "#live .card[data-drop-id='" + dropId + "'] .result", "CONFIRMED");
            screenshot(fanPage, "4-shopper-confirmed");
            assertThat(ordersOn(fan, dropId)).as("orders of the fan on the drop after a double click").isEqualTo(1);

            // And the second shopper and the creator see the stock fall to 4
            waitForStock(watcherPage, "#live .card[data-drop-id='" + dropId + "'] .stock", "4");
            screenshot(watcherPage, "5-second-shopper-stock");
            waitForStock(creatorPage, "#my-drops .card[data-drop-id='" + dropId + "'] .stock", "4");
            screenshot(creatorPage, "6-creator-live");
        } finally {
            browsers.forEach(WebDriver::quit);
        }
    }

    @Test
    void shouldRetryWhenRateLimitedAndResubscribeAfterTheWebSocketDrops() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String creator = "creator-r" + id;
        String shopper = "shopper-r" + id;
        String dropId = liveDrop(creator, 10);
        ChromeDriver page = newBrowser();
        try {
            // every WebSocket the page opens is kept where the test can close it (as a proxy or restart would)
            page.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
                    window.__sockets = [];
                    const Native = window.WebSocket;
                    window.WebSocket = class extends Native {
                      constructor(...args) { super(...args); window.__sockets.push(this); }
                    };
                    // and the next __loseNext requests reach the server but their answers are lost on the way back
                    window.__loseNext = 0;
                    const nativeFetch = window.fetch;
                    window.fetch = async (...args) => {
                      if (window.__loseNext > 0) {
                        window.__loseNext--;
                        await nativeFetch(...args);
                        throw new TypeError('connection lost before the answer');
                      }
                      return nativeFetch(...args);
                    };"""));
            signIn(page, shopper, false);
            String stock = "#live .card[data-drop-id='" + dropId + "'] .stock";
            waitForStock(page, stock, "10");

            // When the socket drops, the page says so, reconnects and resubscribes
            long sockets = (Long) page.executeScript("return window.__sockets.length");
            page.executeScript("window.__sockets.forEach(s => s.close(1000, 'test'))");
            new WebDriverWait(page, WAIT, Duration.ofMillis(50)).withMessage("no new open WebSocket").until(d ->
                    (Boolean) ((ChromeDriver) d).executeScript("const s = window.__sockets; return s.length > arguments[0]"
                            + " && s[s.length - 1].readyState === WebSocket.OPEN", sockets));
            waitForText(page, "#connection", "live");
            placeOrder(Tokens.user("other-" + id), dropId, "k-" + id);
            waitForStock(page, stock, "9");

            // When the shopper's order rate is used up (other tabs of theirs keep ordering), Buy says so and retries
            // with the same key, and the order goes through once the other tabs stop. A click can still slip through
            // when it lands just as the bucket refills (10 tokens/s): that order is CONFIRMED and the test clicks again.
            String result = "#live .card[data-drop-id='" + dropId + "'] .result";
            AtomicBoolean burning = new AtomicBoolean(true);
            CountDownLatch limited = new CountDownLatch(1);
            ExecutorService otherTabs = Executors.newFixedThreadPool(4);
            for (int t = 0; t < 4; t++) {
                int tab = t;
                otherTabs.submit(() -> {
                    for (int i = 0; burning.get(); i++) {
                        if (placeOrder(Tokens.user(shopper), "d-unknown" + id, "burn-" + tab + "-" + i).codes()
                                .contains("RATE_LIMITED")) {
                            limited.countDown();
                        }
                    }
                });
            }
            int clicks = 0;
            try {
                assertThat(limited.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the other tabs are rate limited").isTrue();
                boolean told = false;
                while (!told && clicks < 5) {
                    click(page, "#live .card[data-drop-id='" + dropId + "'] .buy");
                    clicks++;
                    told = "told".equals(new WebDriverWait(page, WAIT, Duration.ofMillis(20)).until(d ->
                            d.findElement(By.cssSelector("#notice")).getText().contains("Too many requests") ? "told"
                                    : d.findElement(By.cssSelector(result)).getText().equals("CONFIRMED") ? "slipped through"
                                    : null));
                }
                assertThat(told).as("the page said it was rate limited in %d clicks", clicks).isTrue();
                screenshot(page, "7-shopper-rate-limited");
            } finally {
                burning.set(false);
                otherTabs.shutdown();
                assertThat(otherTabs.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            }
            waitForText(page, result, "CONFIRMED");
            assertThat(ordersOn(shopper, dropId)).as("orders after %d clicks, retried while rate limited", clicks)
                    .isEqualTo(clicks);

            // When the answers to the order and its first retry are lost, the page says the service is unavailable
            // and retries under the same key: one more order, not three
            page.executeScript("window.__loseNext = 2");
            String buy = "#live .card[data-drop-id='" + dropId + "'] .buy";
            click(page, buy);
            waitForText(page, "#notice", "The service is unavailable");
            waitForText(page, result, "CONFIRMED");
            assertThat(ordersOn(shopper, dropId)).as("orders after lost answers").isEqualTo(clicks + 1);

            // When every answer is lost until the page stops retrying, it offers to retry that order, and the retry
            // uses the same key: still one more order
            page.executeScript("window.__loseNext = 7");
            click(page, buy);
            new WebDriverWait(page, Duration.ofSeconds(40), Duration.ofMillis(100)).until(
                    ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(result), "UNAVAILABLE"));
            waitForText(page, buy, "Retry this order");
            screenshot(page, "11-shopper-retry-this-order");
            click(page, buy);
            waitForText(page, result, "CONFIRMED");
            assertThat(ordersOn(shopper, dropId)).as("orders after a retried order whose answers were lost")
                    .isEqualTo(clicks + 2);
            waitForStock(page, stock, String.valueOf(9 - clicks - 2));
        } finally {
            page.quit();
        }
    }

    @Test
    void shouldShowTheCreatorUnitsSoldPerSecondAndTheStockDuringAStampede() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String creator = "creator-s" + id;
        String dropId = liveDrop(creator, 60);
        ChromeDriver page = newBrowser();
        ExecutorService shoppers = Executors.newFixedThreadPool(8);
        try {
            signIn(page, creator, true);
            String card = "#my-drops .card[data-drop-id='" + dropId + "']";
            waitForStock(page, card + " .stock", "60");

            // When 120 shoppers order one each over about three seconds
            List<Future<?>> orders = new ArrayList<>();
            Thread stampede = new Thread(() -> {
                for (int i = 0; i < 120 && !Thread.currentThread().isInterrupted(); i++) {
                    String shopper = "stampede-" + id + "-" + i;
                    synchronized (orders) {
                        orders.add(shoppers.submit(() -> placeOrder(Tokens.user(shopper), dropId, "k")));
                    }
                    LockSupport.parkNanos(25_000_000);
                }
            }, "stampede");
            stampede.start();

            // Then the creator sees units sold per second while it runs, and the stock reach 0
            new WebDriverWait(page, WAIT, Duration.ofMillis(50)).withMessage("no sold-per-second figure above 0")
                    .until(d -> d.findElement(By.cssSelector(card + " .rate")).getText().matches("[1-9]\\d* sold in the last second.*"));
            new WebDriverWait(page, WAIT, Duration.ofMillis(50)).until(d -> Integer.parseInt(
                    d.findElement(By.cssSelector(card + " .stock")).getText()) <= 40);
            screenshot(page, "8-creator-stampede");
            stampede.join();
            for (Future<?> order : orders) {
                order.get();
            }
            waitForStock(page, card + " .stock", "0");
            waitForText(page, card + " .status", "SOLD_OUT");
            String rate = page.findElement(By.cssSelector(card + " .rate")).getText();
            assertThat(rate).as("the peak rate shown").matches(".*peak [1-9]\\d*/s");
            screenshot(page, "9-creator-sold-out");
        } finally {
            shoppers.shutdownNow();
            page.quit();
        }
    }

    @Test
    void shouldRefuseAUserIdThatCannotBeATokensSubjectAtLocalSignIn() {
        for (String user : List.of("ava stone!", "ava.stone", "")) {
            GraphQlHttp.Answer answer = new GraphQlHttp("http://localhost:" + port + "/local/token")
                    .send("POST", "application/json", "{\"user\": \"" + user + "\"}", null);
            assertThat(answer.status()).as("status for '%s'", user).isEqualTo(400);
            assertThat(answer.body()).contains("1-64 letters, digits, '_' or '-'");
        }
    }

    @Test
    void shouldListAFollowedCreatorsUpcomingDropAndMoveItToLiveWhenItStarts() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String creator = "creator-u" + id;
        String fan = "fan-u" + id;
        ChromeDriver page = newBrowser();
        try {
            // When the fan follows a creator with a drop starting in a few seconds, it is listed under Upcoming
            signIn(page, fan, false);
            String dropId = scheduleDrop(creator, 3, Instant.now().plusSeconds(8));
            type(page, "#follow-id", creator);
            click(page, "#follow-form button");
            String upcoming = "#upcoming .card[data-drop-id='" + dropId + "']";
            waitForText(page, upcoming + " .status", "SCHEDULED");
            waitForText(page, upcoming + " .starts", "starts");
            assertThat(page.findElement(By.cssSelector(upcoming + " .buy")).isEnabled()).as("Buy before the start").isFalse();
            screenshot(page, "10-shopper-upcoming");

            // Then, when it starts, the fan is told and it moves to Live, where it can be bought
            waitForText(page, "#toasts", creator + " just dropped Cap");
            String live = "#live .card[data-drop-id='" + dropId + "']";
            waitForText(page, live + " .status", "LIVE");
            assertThat(page.findElements(By.cssSelector(upcoming))).as("still under Upcoming").isEmpty();
            click(page, live + " .buy");
            waitForText(page, live + " .result", "CONFIRMED");
            waitForStock(page, live + " .stock", "2");
        } finally {
            page.quit();
        }
    }

    @Test
    void shouldEndTheSessionAndAskToSignInAgainWhenTheTokenHasExpired() {
        ChromeDriver page = newBrowser();
        try {
            page.get("http://localhost:" + port + "/");
            page.executeScript("sessionStorage.setItem('livedrop.token', arguments[0]);"
                    + "sessionStorage.setItem('livedrop.user', 'sleeper')", Tokens.expired("sleeper"));
            page.navigate().refresh();
            waitForText(page, "#notice", "Your session has ended: sign in again.");
            assertThat(page.findElement(By.cssSelector("#sign-in")).isDisplayed()).as("sign-in form").isTrue();
            assertThat(page.findElement(By.cssSelector("#who")).isDisplayed()).as("signed-in user").isFalse();
        } finally {
            page.quit();
        }
    }

    /** A LIVE drop of a new creator's new product, through the API. */
    String liveDrop(String creator, int stock) {
        String drop = scheduleDrop(creator, stock, null);
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> "LIVE".equals(graphQl(null,
                "query($id: ID!) { drop(id: $id) { status } }", Map.of("id", drop)).data().path("drop").path("status")
                .asString("")));
        return drop;
    }

    /** A drop of a new product "Cap" of the creator, starting at {@code startsAt} (null: now), through the API. */
    String scheduleDrop(String creator, int stock, Instant startsAt) {
        String token = Tokens.creator(creator);
        String product = graphQl(token, "mutation { upsertProduct(input: {name: \"Cap\"}) { id } }", null).data()
                .path("upsertProduct").path("id").asString();
        Map<String, Object> input = new HashMap<>(Map.of("productId", product, "stock", stock, "priceCents", 999));
        if (startsAt != null) {
            input.put("startsAt", startsAt.toString());
        }
        return graphQl(token, "mutation($in: ScheduleDropInput!) { scheduleDrop(input: $in) { id } }",
                Map.of("in", input)).data().path("scheduleDrop").path("id").asString();
    }

    /** placeOrder through the API. */
    GraphQlHttp.Answer placeOrder(String token, String dropId, String key) {
        return graphQl(token, "mutation($in: PlaceOrderInput!) { placeOrder(input: $in) { order { id status } } }",
                Map.of("in", Map.of("dropId", dropId, "quantity", 1, "idempotencyKey", key)));
    }

    /** The user's orders on the drop, from myOrders. */
    int ordersOn(String user, String dropId) {
        JsonNode orders = graphQl(Tokens.user(user), "{ myOrders(first: 50) { edges { node { id drop { id } } } } }",
                null).data().path("myOrders").path("edges");
        return (int) orders.values().stream().filter(e -> dropId.equals(e.path("node").path("drop").path("id").asString()))
                .count();
    }

    GraphQlHttp.Answer graphQl(String token, String document, Map<String, Object> variables) {
        return new GraphQlHttp(graphQlUrl()).post(token, document, variables);
    }

    // ------------------------------------------------------------------ helpers

    void signIn(ChromeDriver page, String user, boolean creator) {
        page.get("http://localhost:" + port + "/");
        type(page, "#user", user);
        if (creator) {
            click(page, "#as-creator");
        }
        click(page, "#sign-in button");
        waitForText(page, "#who", "signed in as " + user);
        waitForText(page, "#connection", "live");
        // the drops are read and the dropStarted subscription is open
        new WebDriverWait(page, WAIT).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("body[data-ready]")));
    }

    static void type(WebDriver page, String css, String text) {
        WebElement e = waitFor(page, css);
        e.clear();
        e.sendKeys(text);
    }

    static void click(WebDriver page, String css) {
        new WebDriverWait(page, WAIT).until(ExpectedConditions.elementToBeClickable(By.cssSelector(css))).click();
    }

    static WebElement waitFor(WebDriver page, String css) {
        return new WebDriverWait(page, WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    /** A stock figure, exactly ("0" is in "60"). */
    static void waitForStock(WebDriver page, String css, String stock) {
        new WebDriverWait(page, WAIT, Duration.ofMillis(50)).withMessage(() -> css + " never showed " + stock + "; it shows "
                + page.findElement(By.cssSelector(css)).getText()).until(ExpectedConditions.textToBe(By.cssSelector(css), stock));
    }

    static void waitForText(WebDriver page, String css, String text) {
        new WebDriverWait(page, WAIT, Duration.ofMillis(50)).withMessage(() -> css + " never showed '" + text + "'; page text: "
                + page.findElement(By.tagName("body")).getText() + "\nbrowser console:\n" + console(page)).until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector(css), text));
    }

    static String console(WebDriver page) {
        return page.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::toString)
                .collect(Collectors.joining("\n"));
    }

    static void screenshot(WebDriver page, String name) throws Exception {
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) page).getScreenshotAs(OutputType.BYTES));
    }
}
