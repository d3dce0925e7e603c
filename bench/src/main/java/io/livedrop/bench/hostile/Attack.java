package io.livedrop.bench.hostile;

/**
 * What one attack (titled as issue 14 names it, beside the figure the issue reports) cost the instance: its CPU
 * seconds over the attack's wall-clock seconds; its heap in bytes after a full GC before the attack, at its end with
 * the clients still connected (-1: none held) and once they have gone; the highest heap before a collection during
 * it (GC log, MB; -1: no collection); what the clients got, and what was refused and how.
 */
record Attack(String title, String issue, double cpuSeconds, double seconds, long heapBefore, long heapHeld,
              long heapAfter, long peakMb, String answers, String refused) {
}
