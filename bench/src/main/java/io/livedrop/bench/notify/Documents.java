package io.livedrop.bench.notify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subscription documents the benchmark sends: its own cheap one, and the web page's own {@code dropStarted}
 * document (or another of its subscriptions), read from the measured jar's livedrop.js (its {@code DROP} selection
 * substituted) so that it is what the page sends. The swarm finds the drop id by {@code "drop":{"id":"}: both
 * select the drop's id first.
 */
public final class Documents {

    static final String BENCH = "subscription { dropStarted { drop { id } startedAt } }";
    static final String SCRIPT = "BOOT-INF/classes/static/app/livedrop.js";
    private static final Pattern DROP = Pattern.compile("const DROP = `([^`]*)`;");

    private Documents() {
    }

    /** "bench", else the page's (read from {@code jar}). */
    static String of(String name, Path jar) {
        return name.equals("bench") ? BENCH : page(jar, "dropStarted");
    }

    /** The page's subscription document of {@code field}, read from {@code jar}'s livedrop.js. */
    public static String page(Path jar, String field) {
        try (JarFile j = new JarFile(jar.toFile())) {
            return fromScript(new String(j.getInputStream(j.getEntry(SCRIPT)).readAllBytes(), StandardCharsets.UTF_8),
                    field);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SCRIPT + " in " + jar, e);
        }
    }

    /** The page's subscription document of {@code field} out of livedrop.js's text. */
    public static String fromScript(String js, String field) {
        Matcher drop = DROP.matcher(js);
        Matcher subscription = Pattern.compile("subscribe\\(`(subscription[^`{]*\\{ " + field + "\\b[^`]*)`")
                .matcher(js);
        if (!drop.find() || !subscription.find()) {
            throw new IllegalStateException("livedrop.js no longer has `const DROP = ...` and a " + field
                    + " subscribe");
        }
        return subscription.group(1).replace("${DROP}", drop.group(1));
    }
}
