package io.livedrop.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.text.ChoiceFormat;
import java.text.DecimalFormat;
import java.text.NumberFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.Range;
import org.jfree.data.general.DatasetUtils;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The benchmarks' latency plot, HdrHistogram's percentile distribution: x on a {@code 1/(1-p)} log scale (90%, 99%,
 * 99.9% evenly spaced), y in ms on a log scale; a panel per case, a line per system (one colour across panels),
 * baselines dashed, an optional dotted target.
 */
public final class LatencyChart {

    private static final Color[] PALETTE = {
            new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
            new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0x17becf), new Color(0xbcbd22)};

    /** The x axis' ticks: x = 1/(1-p) at the powers of ten, shown as the percentile p. */
    private static final NumberFormat PERCENTILES = new ChoiceFormat(new double[] {0, 5, 50, 500, 5_000, 50_000},
            new String[] {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"});

    /** One line: a histogram (µs), dashed for a baseline. */
    public record Series(String name, Histogram micros, boolean dashed) {
    }

    /** One panel, with an optional target line (ms; NaN for none). */
    public record Panel(String axisLabel, List<Series> series, double targetMs, String targetLabel) {
    }

    private LatencyChart() {
    }

    public static void write(List<Panel> panels, String title, Path png) throws IOException {
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(
                logAxis("percentile", 1, 1, 100_000, PERCENTILES));
        combined.setGap(14);
        Map<String, Color> colors = new LinkedHashMap<>();
        panels.stream().flatMap(p -> p.series().stream())
                .forEach(s -> colors.computeIfAbsent(s.name(), k -> PALETTE[colors.size() % PALETTE.length]));
        for (Panel p : panels) {
            XYSeriesCollection data = new XYSeriesCollection();
            XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
            for (Series s : p.series()) {
                int i = data.getSeriesCount();
                data.addSeries(series(s.name(), s.micros()));
                renderer.setSeriesPaint(i, colors.get(s.name()));
                renderer.setSeriesStroke(i, new BasicStroke(s.dashed() ? 1.6f : 2.2f, BasicStroke.CAP_ROUND,
                        BasicStroke.JOIN_ROUND, 1f, s.dashed() ? new float[] {6f, 4f} : null, 0f));
            }
            Range y = DatasetUtils.findRangeBounds(data); // null when every series is empty
            double lo = y == null ? 0.01 : y.getLowerBound();
            double minHi = Double.isNaN(p.targetMs()) ? 0.01 : p.targetMs();
            double hi = y == null ? minHi : Math.max(minHi, y.getUpperBound());
            LogAxis ms = logAxis(p.axisLabel(), 0.01, Math.pow(10, Math.floor(Math.log10(lo))),
                    Math.pow(10, Math.ceil(Math.log10(hi * 1.01))), new DecimalFormat("#,##0.###"));
            ms.setMinorTickCount(9);
            ms.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            XYPlot plot = new XYPlot(data, null, ms, renderer);
            if (!Double.isNaN(p.targetMs())) {
                ValueMarker target = new ValueMarker(p.targetMs(), new Color(0xaa0000), new BasicStroke(1f,
                        BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {2f, 3f}, 0f));
                target.setLabel(p.targetLabel());
                target.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
                target.setLabelPaint(new Color(0xaa0000));
                target.setLabelAnchor(RectangleAnchor.BOTTOM_RIGHT);
                target.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
                target.setLabelBackgroundColor(new Color(255, 255, 255, 0));
                plot.addRangeMarker(target);
            }
            plot.setBackgroundPaint(Color.WHITE);
            plot.setDomainGridlinePaint(new Color(0xdddddd));
            plot.setRangeGridlinePaint(new Color(0xdddddd));
            combined.add(plot, 1);
        }
        LegendItemCollection legend = new LegendItemCollection();
        colors.forEach((name, color) -> legend.add(new LegendItem(name, color)));
        combined.setFixedLegendItems(legend);
        JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, combined, true);
        chart.addSubtitle(new TextTitle(title, new Font(Font.SANS_SERIF, Font.BOLD, 15)));
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(4, 4, 4, 24));
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1200, 120 + 350 * Math.max(1, panels.size()));
    }

    private static LogAxis logAxis(String label, double smallest, double from, double to, NumberFormat format) {
        LogAxis axis = new LogAxis(label);
        axis.setBase(10);
        axis.setSmallestValue(smallest);
        axis.setRange(from, to);
        axis.setTickUnit(new NumberTickUnit(1));
        axis.setMinorTickMarksVisible(true);
        axis.setNumberFormatOverride(format);
        return axis;
    }

    /** The percentiles in ms, then the max (just past the last finite percentile). */
    private static XYSeries series(String name, Histogram h) {
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
}
