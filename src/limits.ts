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
/** How often patchwalk reads a detached command's output file and looks for its status file. */
export const FOLLOW_POLL_MS = 40;
/** How long a freshly spawned supervisor has to claim its command before it counts as not started. */
export const SUPERVISOR_START_GRACE_MS = 3000;
/** After a command exits, how long its supervisor waits for output still in the pipes. */
export const OUTPUT_DRAIN_MS = 1000;
/** Lines of each step's output that the report keeps. */
export const REPORT_TAIL_LINES = 15;
/** Longest output line kept whole in the report; longer ones are cut. */
export const REPORT_LINE_CHARS = 300;
/** Runs that `patchwalk runs` lists at most. */
export const RUNS_LIST_LIMIT = 200;
