// Every limit and default pace in one place, so nobody hunts for a magic number.

/** How much of a step's stdout `capture:` keeps. */
export const CAPTURE_LIMIT_BYTES = 1024 * 1024;
/** Between SIGTERM and SIGKILL when a command's process tree is ended. */
export const KILL_GRACE_MS = 3000;
/** How often the simulated host is polled while it reboots. */
export const SIM_POLL_MS = 250;
/** Graceful-shutdown time for a simulated VM that names none. */
export const SIM_DEFAULT_SHUTDOWN_MS = 2500;
/** Boot time for a simulated VM that names none. */
export const SIM_DEFAULT_BOOT_MS = 1200;
/** Reboot time for a simulated host that names none. */
export const SIM_DEFAULT_REBOOT_MS = 5000;
/** A forced power-off on the simulated host. */
export const SIM_POWEROFF_MS = 300;
/** A live migration on the simulated host. */
export const SIM_MIGRATE_MS = 2000;

/** Output lines kept in memory for the live view; older ones are read back from the run's output file. */
export const OUTPUT_RING_LINES = 2000;
/** Output is written to its file in chunks of about this size… */
export const OUTPUT_FLUSH_BYTES = 64 * 1024;
/** …or at least this often. */
export const OUTPUT_FLUSH_MS = 500;
/** Lines read per block when searching the output file. */
export const OUTPUT_SEARCH_BLOCK_LINES = 5000;
/** The console redraws output at most this often (ms): about 20 frames a second. */
export const OUTPUT_FRAME_MS = 50;
/** Ink's own cap on frames per second. */
export const UI_MAX_FPS = 30;
/** The window clock turns yellow when this share of the window is left… */
export const WINDOW_WARN_SHARE = 0.25;
/** …and red when this share is left. */
export const WINDOW_ALERT_SHARE = 0.1;
/** Narrowest step list in the console, and its share of the width. */
export const SIDEBAR_MIN_WIDTH = 18;
export const SIDEBAR_MAX_WIDTH = 34;
