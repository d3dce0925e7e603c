package io.livedrop.bench.hostile;

/** What one attack cost the instance: CPU, heap bytes after full GCs (-1: not measured), peak MB; what it got. */
record Attack(String title, String issue, double cpuSeconds, double seconds, long heapBefore, long heapHeld,
              long heapAfter, long peakMb, String answers, String refused) {
}
