package io.livedrop.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.api.testing.ApiIntegrationTest;
import io.livedrop.api.testing.Tokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.web.client.RestClient;

/**
 * The web page in headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, installed by .ci/run),
 * against the whole application: a shopper follows a creator, the creator schedules a drop, the shopper is told,
 * double-clicks Buy and gets one CONFIRMED order, and a second shopper sees the stock fall. Each step's screenshot is
 * saved under target/screenshots/.
 */
class WebPageBrowserTest extends ApiIntegrationTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target/screenshots");
    static final Duration WAIT = Duration.ofSeconds(20);


    @BeforeAll
    static void chromium() throws Exception {
        assertThat(CHROMIUM).as("Debian's chromium: apt-get install chromium chromium-driver (.ci/run does)")
                .isExecutable();
        assertThat(CHROMEDRIVER).as("Debian's chromium-driver: apt-get install chromium-driver (.ci/run does)")
                .isExecutable();
        Files.createDirectories(SCREENSHOTS);
    }

    static ChromeDriver newBrowser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,900",
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows");
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
            waitForText(watcherPage, "#live .card[data-drop-id='" + dropId + "'] .stock", "5");

            // When the fan double-clicks Buy
            WebElement buy = card.findElement(By.cssSelector(".buy"));
            new Actions(fanPage).doubleClick(buy).perform();

            // Then the order is CONFIRMED, and only one order exists
            waitForText(fanPage, "#live .card[data-drop-id='" + dropId + "'] .result", "CONFIRMED");
            screenshot(fanPage, "4-shopper-confirmed");
            assertThat(ordersOn(fan, dropId)).as("orders of the fan on the drop after a double click").isEqualTo(1);

            // And the second shopper and the creator see the stock fall to 4
            waitForText(watcherPage, "#live .card[data-drop-id='" + dropId + "'] .stock", "4");
            screenshot(watcherPage, "5-second-shopper-stock");
            waitForText(creatorPage, "#my-drops .card[data-drop-id='" + dropId + "'] .stock", "4");
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
                    };"""));
            signIn(page, shopper, false);
            String stock = "#live .card[data-drop-id='" + dropId + "'] .stock";
            waitForText(page, stock, "10");

            // When the socket drops, the page says so, reconnects and resubscribes
            page.executeScript("window.__sockets.forEach(s => s.close(1000, 'test'))");
            waitForText(page, "#connection", "live");
            assertThat((Long) page.executeScript("return window.__sockets.length")).as("sockets opened").isGreaterThan(1);
            placeOrder(Tokens.user("other-" + id), dropId, "k-" + id);
            waitForText(page, stock, "9");

            // When the shopper has used up their order rate, Buy says so and retries until it goes through
            for (int i = 0; i < 25; i++) {
                placeOrder(Tokens.user(shopper), "d-nosuchdrop0", "burn-" + i);
            }
            click(page, "#live .card[data-drop-id='" + dropId + "'] .buy");
            new WebDriverWait(page, WAIT, Duration.ofMillis(20)).until(
                    ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#notice"), "Too many requests"));
            screenshot(page, "7-shopper-rate-limited");
            waitForText(page, "#live .card[data-drop-id='" + dropId + "'] .result", "CONFIRMED");
            assertThat(ordersOn(shopper, dropId)).isEqualTo(1);
        } finally {
            page.quit();
        }
    }

    /** A LIVE drop of a new creator's new product, through the API. */
    @SuppressWarnings("unchecked")
    String liveDrop(String creator, int stock) {
        String token = Tokens.creator(creator);
        String product = (String) ((Map<String, Object>) ((Map<String, Object>) call(token,
                "mutation { upsertProduct(input: {name: \"Cap\"}) { id } }").get("data")).get("upsertProduct")).get("id");
        String drop = (String) ((Map<String, Object>) ((Map<String, Object>) call(token, "mutation { scheduleDrop(input: "
                + "{productId: \"" + product + "\", stock: " + stock + ", priceCents: 999}) { id } }").get("data"))
                .get("scheduleDrop")).get("id");
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> "LIVE".equals(((Map<String, Object>) ((Map<String,
                Object>) call(null, "{ drop(id: \"" + drop + "\") { status } }").get("data")).get("drop")).get("status")));
        return drop;
    }

    void placeOrder(String token, String dropId, String key) {
        call(token, "mutation { placeOrder(input: {dropId: \"" + dropId + "\", quantity: 1, idempotencyKey: \"" + key
                + "\"}) { order { id status } } }");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> call(String token, String query) {
        var request = RestClient.create(graphQlUrl()).post().header("Content-Type", "application/json");
        if (token != null) {
            request = request.header("Authorization", "Bearer " + token);
        }
        return request.body(Map.of("query", query)).retrieve().body(Map.class);
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

    static void waitForText(WebDriver page, String css, String text) {
        new WebDriverWait(page, WAIT).withMessage(() -> css + " never showed '" + text + "'; page text: "
                + page.findElement(By.tagName("body")).getText()).until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector(css), text));
    }

    static void screenshot(WebDriver page, String name) throws Exception {
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) page).getScreenshotAs(OutputType.BYTES));
    }

    @SuppressWarnings("unchecked")
    int ordersOn(String user, String dropId) {
        Map<String, Object> body = RestClient.create(graphQlUrl()).post()
                .header("Authorization", "Bearer " + Tokens.user(user))
                .header("Content-Type", "application/json")
                .body(Map.of("query", "{ myOrders(first: 50) { edges { node { id drop { id } } } } }"))
                .retrieve().body(Map.class);
        List<Map<String, Object>> edges = (List<Map<String, Object>>) ((Map<String, Object>) ((Map<String, Object>)
                body.get("data")).get("myOrders")).get("edges");
        return (int) edges.stream().filter(e -> dropId.equals(((Map<String, Object>) ((Map<String, Object>)
                e.get("node")).get("drop")).get("id"))).count();
    }
}
