// Writes that survive a crash: a whole file via write-then-rename, never half of one. Kept as its
// own module for the callers outside the journal; the write itself lives with the other state writes.
export { writeFileDurably } from './state-io.js';
