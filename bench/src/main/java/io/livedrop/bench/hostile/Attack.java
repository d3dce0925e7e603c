package io.livedrop.bench.hostile;

/**
 * What one attack cost the instance. Heap figures in bytes after a full GC (-1: not measured); CPU in seconds of the
 * instance's process over the attack's window.
 *
 * @param title      the attack, as the issue names it
 * @param issue      the figure the issue reports for it
 * @param cpuSeconds the instance's CPU time during the attack
 * @param seconds    the attack's length (wall clock)
 * @param heapBefore heap after a full GC just before the attack
 * @param heapHeld   heap after a full GC at the end of the attack, the clients still connected (-1: none held)
 * @param heapAfter  heap after a full GC once the clients have gone
 * @param peakMb     the highest heap before a collection during the attack (GC log), MB; -1 if no collection
 * @param answers    what the clients got: statuses, message types, bytes
 * @param refused    what was refused, and how (HTTP status and code, error codes, close code)
 */
record Attack(String title, String issue, double cpuSeconds, double seconds, long heapBefore, long heapHeld,
              long heapAfter, long peakMb, String answers, String refused) {
}
