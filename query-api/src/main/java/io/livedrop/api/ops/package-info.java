/**
 * Operating livedrop: the dead-letter topic's metrics ({@link io.livedrop.api.ops.DeadLetterMetrics})
 * and the command that replays it ({@link io.livedrop.api.ops.DeadLetterReplay},
 * {@code ./livedrop replay-dead-letters}). See docs/operations.md.
 */
package io.livedrop.api.ops;
