package io.livedrop.bench;

import io.livedrop.bench.Results.LatencyRun;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The latency-percentile plot (HdrHistogram's classic percentile distribution): x is the percentile on a
 * {@code 1/(1-p)} log scale, so that 90%, 99%, 99.9% and 99.99% are evenly spaced; y is latency in ms, log scale.
 * One panel per arrival rate; one line per system and configuration.
 */
public final class LatencyChart {

    private static final Color[] PALETTE = {
            new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
            new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0x17becf), new Color(0xbcbd22)};

    private LatencyChart() {
    }

    static void write(List<LatencyRun> runs, String title, Path png) throws IOException {
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(percentileAxis());
        combined.setGap(14);

        Map<String, Color> colors = new LinkedHashMap<>();
        TreeSet<Double> rates = new TreeSet<>();
        runs.forEach(r -> rates.add(r.rate()));
        for (LatencyRun r : runs) {
            colors.computeIfAbsent(seriesName(r), k -> color(colors.size()));
        }
        for (double rate : rates) {
            XYSeriesCollection data = new XYSeriesCollection();
            XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
            int i = 0;
            for (LatencyRun r : runs) {
                if (r.rate() != rate) {
                    continue;
                }
                data.addSeries(series(seriesName(r), r.micros()));
                renderer.setSeriesPaint(i, colors.get(seriesName(r)));
                renderer.setSeriesStroke(i, new BasicStroke(r.system() == Results.System.TOPOLOGY ? 2.2f : 1.6f,
                        BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f,
                        r.system() == Results.System.TOPOLOGY ? null : new float[] {6f, 4f}, 0f));
                i++;
            }
            LogAxis ms = new LogAxis(String.format(Locale.ROOT, "latency at %,.0f requests/s (ms)", rate));
            ms.setBase(10);
            ms.setSmallestValue(0.01);
            double lo = Double.MAX_VALUE;
            double hi = 0.01;
            for (Object o : data.getSeries()) {
                XYSeries s = (XYSeries) o;
                if (!s.isEmpty()) {
                    lo = Math.min(lo, s.getMinY());
                    hi = Math.max(hi, s.getMaxY());
                }
            }
            lo = lo == Double.MAX_VALUE ? 0.01 : lo;
            ms.setRange(Math.pow(10, Math.floor(Math.log10(lo))), Math.pow(10, Math.ceil(Math.log10(hi * 1.01))));
            ms.setTickUnit(new NumberTickUnit(1));
            ms.setMinorTickCount(9);
            ms.setMinorTickMarksVisible(true);
            ms.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
            ms.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            XYPlot plot = new XYPlot(data, null, ms, renderer);
            if (rate == Report.TARGET_RATE) {
                org.jfree.chart.plot.ValueMarker target = new org.jfree.chart.plot.ValueMarker(Report.TARGET_P99_MS,
                        new Color(0xaa0000), new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f,
                        new float[] {2f, 3f}, 0f));
                target.setLabel("target: p99 ≤ " + (int) Report.TARGET_P99_MS + " ms");
                target.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
                target.setLabelPaint(new Color(0xaa0000));
                target.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.BOTTOM_RIGHT);
                target.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_RIGHT);
                target.setLabelBackgroundColor(new Color(255, 255, 255, 0));
                plot.addRangeMarker(target);
            }
            plot.setBackgroundPaint(Color.WHITE);
            plot.setDomainGridlinePaint(new Color(0xdddddd));
            plot.setRangeGridlinePaint(new Color(0xdddddd));
            combined.add(plot, 1);
        }
        LegendItemCollection legend = new LegendItemCollection();
        colors.forEach((name, color) -> {
            LegendItem item = new LegendItem(name, color);
            legend.add(item);
        });
        combined.setFixedLegendItems(legend);
        JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, combined, true);
        chart.addSubtitle(new TextTitle(title, new Font(Font.SANS_SERIF, Font.BOLD, 15)));
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new org.jfree.chart.ui.RectangleInsets(4, 4, 4, 24));
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1200, 120 + 380 * Math.max(1, rates.size()));
    }

    static String seriesName(LatencyRun r) {
        return r.system().label + " (" + r.config() + ")";
    }

    /** Percentile points of the histogram, in ms, up to its max (plotted at the last finite percentile). */
    /** The x axis of every latency chart: percentile on a 1/(1-p) log scale, 0% to 99.999%. */
    public static LogAxis percentileAxis() {
        LogAxis percentile = new LogAxis("percentile");
        percentile.setBase(10);
        percentile.setSmallestValue(1);
        percentile.setRange(1, 100_000);
        percentile.setTickUnit(new NumberTickUnit(1));
        percentile.setNumberFormatOverride(new PercentileFormat());
        percentile.setMinorTickMarksVisible(true);
        return percentile;
    }

    /** The i-th line colour, the same sequence in every chart. */
    public static Color color(int i) {
        return PALETTE[i % PALETTE.length];
    }

    public static XYSeries series(String name, Histogram h) {
        XYSeries s = new XYSeries(name, false, true);
        if (h.getTotalCount() == 0) {
            return s;
        }
        double lastX = 1;
        for (HistogramIterationValue v : h.percentiles(5)) {
            double p = v.getPercentileLevelIteratedTo();
            if (p >= 100.0) {
                break;
            }
            double x = 1.0 / (1.0 - p / 100.0);
            s.add(x, Math.max(0.01, v.getValueIteratedTo() / 1000.0));
            lastX = x;
        }
        double maxX = Math.min(100_000, Math.max(lastX * 1.5, h.getTotalCount()));
        s.add(maxX, Math.max(0.01, h.getMaxValue() / 1000.0));
        return s;
    }

    /** Axis value x = 1/(1-p) shown as the percentile p. */
    public static final class PercentileFormat extends NumberFormat {
        @Override
        public StringBuffer format(double x, StringBuffer to, FieldPosition pos) {
            double p = 100.0 * (1.0 - 1.0 / x);
            String s;
            if (x < 1.5) {
                s = "0%";
            } else {
                int decimals = Math.max(0, (int) Math.round(Math.log10(x)) - 2);
                s = String.format(Locale.ROOT, "%." + decimals + "f%%", p);
            }
            return to.append(s);
        }

        @Override
        public StringBuffer format(long x, StringBuffer to, FieldPosition pos) {
            return format((double) x, to, pos);
        }

        @Override
        public Number parse(String source, ParsePosition pos) {
            return null;
        }
    }
}
