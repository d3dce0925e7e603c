package io.livedrop.bench.api;

import io.livedrop.bench.LatencyChart;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
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
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The percentile plot of the API benchmark, drawn as the stampede one is (HdrHistogram's percentile distribution,
 * x = percentile on a 1/(1-p) log axis, y = latency in ms, log): one panel per case and rate, baselines dashed.
 */
final class ApiChart {

    /** One line: a histogram (µs), dashed for a baseline. */
    record Series(String name, Histogram micros, boolean dashed) {
    }

    /** One panel, with an optional target line (ms; NaN for none). */
    record Panel(String axisLabel, List<Series> series, double targetMs, String targetLabel) {
    }

    private ApiChart() {
    }

    static void write(List<Panel> panels, String title, Path png) throws IOException {
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(LatencyChart.percentileAxis());
        combined.setGap(14);
        Map<String, Color> colors = new LinkedHashMap<>();
        for (Panel p : panels) {
            for (Series s : p.series()) {
                colors.computeIfAbsent(s.name(), k -> LatencyChart.color(colors.size()));
            }
        }
        for (Panel p : panels) {
            XYSeriesCollection data = new XYSeriesCollection();
            XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
            double lo = Double.MAX_VALUE;
            double hi = 0.01;
            int i = 0;
            for (Series s : p.series()) {
                XYSeries xy = LatencyChart.series(s.name(), s.micros());
                data.addSeries(xy);
                if (!xy.isEmpty()) {
                    lo = Math.min(lo, xy.getMinY());
                    hi = Math.max(hi, xy.getMaxY());
                }
                renderer.setSeriesPaint(i, colors.get(s.name()));
                renderer.setSeriesStroke(i, new BasicStroke(s.dashed() ? 1.6f : 2.2f, BasicStroke.CAP_ROUND,
                        BasicStroke.JOIN_ROUND, 1f, s.dashed() ? new float[] {6f, 4f} : null, 0f));
                i++;
            }
            if (!Double.isNaN(p.targetMs())) {
                hi = Math.max(hi, p.targetMs());
            }
            lo = lo == Double.MAX_VALUE ? 0.01 : lo;
            LogAxis ms = new LogAxis(p.axisLabel());
            ms.setBase(10);
            ms.setSmallestValue(0.01);
            ms.setRange(Math.pow(10, Math.floor(Math.log10(lo))), Math.pow(10, Math.ceil(Math.log10(hi * 1.01))));
            ms.setTickUnit(new NumberTickUnit(1));
            ms.setMinorTickCount(9);
            ms.setMinorTickMarksVisible(true);
            ms.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
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
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1200, 120 + 330 * Math.max(1, panels.size()));
    }
}
