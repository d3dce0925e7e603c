package io.livedrop.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.stream.DoubleStream;

/** How the benchmark reports write numbers: one style for every report, and the one median they show. */
public final class Formats {

    private Formats() {
    }

    /** The median of the values that are numbers (the mean of the middle two of an even count); NaN if none. */
    public static double median(DoubleStream values) {
        double[] v = values.filter(d -> !Double.isNaN(d)).sorted().toArray();
        int m = v.length / 2;
        return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }

    public static String n(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    /** About three significant figures (1,234 / 12.3 / 1.23); — for NaN. */
    public static String ms(double v) {
        return Double.isNaN(v) ? "—"
                : String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%,.0f" : Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
    }

    public static String ratio(double v) {
        return String.format(Locale.ROOT, v >= 10 ? "%.0f×" : v >= 0.1 ? "%.2f×" : "%.3f×", v);
    }

    public static String pct(double f) {
        return String.format(Locale.ROOT, "%.0f%%", f * 100);
    }

    public static String secs(Duration d) {
        return String.format(Locale.ROOT, "%.0f s", d.toMillis() / 1000.0);
    }

    public static String minutes(Duration d) {
        long s = d.toSeconds();
        return s >= 60 ? (s / 60) + " min " + (s % 60) + " s" : s + " s";
    }

    /** The root cause's class and the start of its message. */
    public static String rootCause(Throwable t) {
        Throwable c = root(t);
        String m = c.getMessage();
        return c.getClass().getSimpleName() + (m == null ? "" : ": " + (m.length() > 120 ? m.substring(0, 120) : m));
    }

    /** The innermost cause of {@code t}. */
    public static Throwable root(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }
}
