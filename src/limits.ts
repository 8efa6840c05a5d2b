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
/** A disk-only snapshot on the simulated host… */
export const SIM_SNAPSHOT_MS = 1500;
/** …plus this per GiB of guest memory when the snapshot keeps the memory. */
export const SIM_SNAPSHOT_MS_PER_GIB = 1000;
/** Reverting a simulated VM to a snapshot. */
export const SIM_REVERT_MS = 2000;
/** Deleting (merging) a simulated snapshot. */
export const SIM_SNAPSHOT_DELETE_MS = 800;
/** Longest snapshot name patchwalk sends to a hypervisor. */
export const SNAPSHOT_NAME_MAX = 64;
/** The simulated host writes its state file at most this often: one write per batch of VM changes. */
export const SIM_STATE_FLUSH_MS = 100;

/** When the operator quits and asks for this run's VMs back: per VM, and how many start at once. */
export const QUIT_RESTORE_TIMEOUT_MS = 5 * 60_000;
export const QUIT_RESTORE_CONCURRENCY = 4;

/** VM names listed when a selector matches none (the rest are counted). */
export const NO_MATCH_NAMES_SHOWN = 20;

/**
 * Output lines kept in memory for the live view (a tall screen shows about 45); older ones are read
 * back from the run's output file. Kept short so that in a flood a line is gone before a young
 * collection finds it twice: at 2,000 lines, 5,000 lines a second lived 0.4 s, and each line and the
 * chunk it was cut from were copied into the old generation, which then needed collecting.
 */
export const OUTPUT_RING_LINES = 256;
/** Output is written to its file in chunks of about this size… */
export const OUTPUT_FLUSH_BYTES = 64 * 1024;
/** …or at least this often. */
export const OUTPUT_FLUSH_MS = 500;
/** A finished step's output is hashed and counted in reads of this size, one turn of the loop each. */
export const SUMMARY_CHUNK_BYTES = 256 * 1024;
/** Longest output line kept as one line (UTF-16 units, about 64 KiB); a longer one is split into
 * pieces of this size, each but the last marked, so one endless line never fills memory. */
export const OUTPUT_LINE_MAX_CHARS = 64 * 1024;
/** The console keeps (and measures, draws and searches) at most this much of a line; the step's
 * output file keeps all of it. */
export const OUTPUT_VIEW_LINE_CHARS = 1000;
/** Lines read per block when searching the output file. */
export const OUTPUT_SEARCH_BLOCK_LINES = 5000;
/**
 * The console redraws for run-state changes, output and its clocks at most this often (ms), all in
 * one frame: about 16 frames a second (a frame is due on time now, where a trailing timer used to
 * add its own delay, so 50 ms sent more than 2 MB to the terminal in the paced bench). A shutdown
 * of 5,000 VMs reports thousands of changes a second; drawing each would keep keys waiting.
 */
export const FRAME_MS = 60;
/** Ink's own cap on frames per second: only a safety net, high enough that a key is drawn at once
 * (frames for state and output are paced by FRAME_MS); at 30 a key waited up to 34 ms behind the
 * last frame. */
export const UI_MAX_FPS = 240;
/** The window clock turns yellow when this share of the window is left… */
export const WINDOW_WARN_SHARE = 0.25;
/** …and red when this share is left. */
export const WINDOW_ALERT_SHARE = 0.1;
/** Narrowest step list in the console, and its share of the width. */
export const SIDEBAR_MIN_WIDTH = 18;
export const SIDEBAR_MAX_WIDTH = 34;
/** Names a prompt lists before it says "and N more": the VM table (v) shows them all. */
export const PROMPT_LIST_MAX = 8;
/** Share of the console's body a prompt may take before its question scrolls (1/n). */
export const PROMPT_BODY_SHARE = 2;

// Real hosts ------------------------------------------------------------------------------------

/** How often a VM's power state is polled while waiting for it to change. */
export const VM_STATE_POLL_MS = 1000;
/** How many VMs are listed or queried at once (providers that ask per VM). */
export const LIST_CONCURRENCY = 4;
/** libvirt: domains asked about in one virsh process (`dominfo; dumpxml; …` over one connection). */
export const LIBVIRT_BATCH_DOMAINS = 100;
/** One provider command (virsh, vim-cmd, qm, PowerShell) that does not wait for a VM. */
export const PROVIDER_COMMAND_TIMEOUT_MS = 60_000;
/** What one local provider command may print (a batched dumpxml of 100 domains is about 1 MiB). */
export const PROVIDER_OUTPUT_MAX_BYTES = 32 * 1024 * 1024;
/** A provider recording (`vms --record`) that a test replays: one host's listing, never a flood. */
export const RECORDING_MAX_BYTES = 64 * 1024 * 1024;
/** A host-side loop over VMs (one vim-cmd per VM on ESXi) gets this much longer per VM. */
export const HOST_LOOP_MS_PER_VM = 2000;
/** How long an idle multiplexed ssh master connection stays up after the last command. */
export const SSH_CONTROL_PERSIST_S = 600;
/** ssh gives up connecting after this many seconds. */
export const SSH_CONNECT_TIMEOUT_S = 10;
/** ssh keepalive: probe every N seconds, give up after M missed probes (a dropped link shows). */
export const SSH_ALIVE_INTERVAL_S = 5;
export const SSH_ALIVE_COUNT_MAX = 3;
/** Starting or checking the multiplexed master connection. */
export const SSH_MASTER_TIMEOUT_MS = 30_000;
/** Ending a remote process group after a timeout or an abort. */
export const SSH_REMOTE_KILL_TIMEOUT_MS = 10_000;
/** cmd.exe's longest command line: a longer wrapped Windows command runs unwrapped. */
export const WINDOWS_COMMAND_LINE_MAX = 8191;
/** Issuing the reboot command: the connection usually drops before it returns. */
export const REBOOT_ISSUE_TIMEOUT_MS = 30_000;
/** How often the rebooting host is probed. */
export const REBOOT_POLL_MS = 2000;
/** One probe (boot id or check) while waiting for the host. */
export const REBOOT_PROBE_TIMEOUT_MS = 15_000;
/** How often the reboot wait reports the elapsed time when nothing else changes. */
export const REBOOT_PROGRESS_EVERY_MS = 10_000;
/** How often the VM provider is asked again after the host is back. */
export const PROVIDER_RETRY_MS = 2000;

/** How often patchwalk reads a detached command's output file and looks for its status file. */
export const FOLLOW_POLL_MS = 40;
/** 64 KiB blocks of a command's output read at a time before the event loop gets a turn. */
export const FOLLOW_MAX_BLOCKS = 4;
/** How long a freshly spawned supervisor has to claim its command before it counts as not started. */
export const SUPERVISOR_START_GRACE_MS = 3000;
/** After a command exits, how long its supervisor waits for output still in the pipes. */
export const OUTPUT_DRAIN_MS = 1000;
/** Lines of each step's output that the report keeps. */
export const REPORT_TAIL_LINES = 15;
/** How far back from the end of an output file the report reads for its tail. */
export const REPORT_TAIL_MAX_BYTES = 1024 * 1024;
/** Longest output line kept whole in the report; longer ones are cut. */
export const REPORT_LINE_CHARS = 300;
/** Runs that `patchwalk runs` lists at most. */
export const RUNS_LIST_LIMIT = 200;

// The state dir ------------------------------------------------------------------------------------

/** Bytes of a journal read at a time: journals are read as streams, never whole. */
export const JOURNAL_READ_CHUNK_BYTES = 64 * 1024;
/** A journal line longer than this is not a record patchwalk wrote; it is skipped, not buffered. */
export const JOURNAL_RECORD_MAX_BYTES = 4 * 1024 * 1024;
/** Skipped journal lines named one by one in a notice; the rest are counted. */
export const JOURNAL_SKIPPED_NAMED = 5;
/** A secret shorter than this is masked only where a whole value equals it, never inside free text. */
export const SECRET_MIN_SUBSTRING_CHARS = 4;
/** Attempts at taking over a stale host lock whose takeover claims were left by crashed processes. */
export const LOCK_TAKEOVER_ATTEMPTS = 8;
/** Largest index.json read; a bigger one is treated as damaged and rebuilt from the run folders. */
export const RUN_INDEX_MAX_BYTES = 16 * 1024 * 1024;

// Runbooks and the patterns in them --------------------------------------------------------------

/** Largest runbook file lint and run read; anything bigger is refused before parsing. */
export const RUNBOOK_MAX_BYTES = 2 * 1024 * 1024;
/**
 * Most YAML tokens (keys, values, punctuation) a runbook may hold, a `[` or `{` counting as
 * YAML_COLLECTION_TOKEN_WEIGHT. While it builds the document the YAML parser needs about 360 bytes
 * of heap per token and 1.1 KB per flow collection, so this keeps lint inside the CLI's 96 MB heap
 * even for a file under RUNBOOK_MAX_BYTES made of tiny tokens such as `[a],[a],…`.
 */
export const RUNBOOK_MAX_YAML_TOKENS = 180_000;
export const YAML_COLLECTION_TOKEN_WEIGHT = 4;
/** The most weighted YAML tokens a byte of text can make (a `[` is one byte and weighs four; with the lexer's markers, eight is a bound). */
export const YAML_TOKENS_PER_BYTE = 8;
/** Most YAML aliases (*name) in one runbook: the YAML parser's work per alias grows with their number. */
export const RUNBOOK_MAX_ALIASES = 1000;
/** Most steps in one runbook: far past any real maintenance window, and it bounds the run's state. */
export const RUNBOOK_MAX_STEPS = 2000;
/** Deepest nesting of parentheses and `not` in a `when:` expression. */
export const EXPRESSION_MAX_DEPTH = 64;
/** Longest regular expression a runbook may give (param, input or `matches` pattern). */
export const REGEX_MAX_CHARS = 1000;
/**
 * Most instructions a compiled pattern may have: enough for `^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+$`.
 * Matching is linear in the text, but each character can cost a step per instruction; the worst
 * pattern under this cap takes about 6 s on a full CAPTURE_LIMIT_BYTES of output (bench/regex.js).
 */
export const REGEX_MAX_PROGRAM = 400;
/** Compiled patterns kept for reuse. */
export const REGEX_CACHE_ENTRIES = 256;

/** V8's tier-up budget for one-shot commands: 15x its default (67,584), so they do not pay for the optimiser. */
export const V8_INTERRUPT_BUDGET = 1_000_000;
/** V8's tier-up budget for a command that keeps a console open: 4x the default. */
export const V8_CONSOLE_INTERRUPT_BUDGET = 270_000;

// Rehearsal (`run --rehearse`, src/rehearsal/).
/** A saved inventory (`vms --json`) given with --inventory: read whole, so it is bounded. */
export const REHEARSAL_INVENTORY_MAX_BYTES = 16 * 1024 * 1024;
/** VMs in a saved inventory: the simulated host keeps one object per VM. */
export const REHEARSAL_INVENTORY_MAX_VMS = 20_000;
/** A step's canned output (`rehearse: { output }`), in characters. */
export const REHEARSAL_OUTPUT_MAX_CHARS = 64 * 1024;
/** Pause between canned output lines, so a rehearsed command is seen running (divided by PATCHWALK_SIM_SPEED). */
export const REHEARSAL_LINE_MS = 40;
/** VM names a guided briefing or expect check lists before "and N more". */
export const GUIDED_NAMES_SHOWN = 12;
/** How long a rehearsal's simulated guest takes to shut down, boot, and its host to reboot: what a trainee should expect to wait on a real host. */
export const REHEARSAL_SHUTDOWN_TIME = '20s';
export const REHEARSAL_BOOT_TIME = '15s';
export const REHEARSAL_REBOOT_TIME = '90s';
/** Lines of a canned output given as a list. */
export const REHEARSAL_OUTPUT_MAX_LINES = 2000;
// Rolling cluster maintenance ------------------------------------------------------------------
/** Live migrations a drain or return runs at once (each moves a VM's whole memory over the network). */
export const DRAIN_CONCURRENCY = 2;
/** How long one live migration may take before it counts as failed. */
export const MIGRATION_TIMEOUT_MS = 30 * 60_000;
/** Graceful shutdown of a VM a drain could not move. */
export const DRAIN_SHUTDOWN_TIMEOUT_MS = 5 * 60_000;
/** The simulated cluster's live migration: a fixed setup plus time per GiB of the VM's memory. */
export const SIM_MIGRATE_SETUP_MS = 300;
export const SIM_MIGRATE_MS_PER_GIB = 250;
/** A simulated member's capacity when the runbook gives none. */
export const SIM_MEMBER_MEMORY_MIB = 131072;
export const SIM_MEMBER_VCPUS = 64;
/** Planned moves shown by line mode before the rest are counted. */
export const PLACEMENT_ROWS_SHOWN = 40;

// Clusters (src/cluster/).
/** Most members one cluster runbook may take: past any real cluster, and it bounds plans and state. */
export const CLUSTER_MAX_MEMBERS = 512;
/** Largest inventory file (Ansible INI or YAML, CSV) read for a cluster's members. */
export const INVENTORY_MAX_BYTES = 2 * 1024 * 1024;
/** Most hosts one range pattern such as `kvm[01:12]` may expand to. */
export const INVENTORY_RANGE_MAX_HOSTS = 1024;
/** Most hosts an inventory may define in all, after ranges are expanded. */
export const INVENTORY_MAX_HOSTS = 10_000;
/** Deepest `:children` nesting followed when collecting a group's hosts. */
export const INVENTORY_MAX_GROUP_DEPTH = 32;
/** Memory kept free on a host for the host itself when counting its room for migrated VMs. */
export const HOST_MEMORY_RESERVE_MIB = 2048;
/** vCPUs a host may run per logical CPU when counting its room for migrated VMs (4:1 is the usual ceiling). */
export const PLACEMENT_VCPU_RATIO = 4;
/** How often a cluster's maintenance state (Proxmox HA, Hyper-V drain) is read while it changes. */
export const CLUSTER_MAINTENANCE_POLL_MS = 2000;
/** How long entering or leaving cluster maintenance may take before it is reported as stuck. */
export const CLUSTER_MAINTENANCE_TIMEOUT_MS = 30 * 60 * 1000;
/** Two-person approval: how often the driver looks for a decision besides fs.watch (a watch can miss
 * events on network file systems), the largest decision file it reads, the longest typed name. */
export const APPROVAL_POLL_MS = 1000;
export const APPROVAL_FILE_MAX_BYTES = 64 * 1024;
export const APPROVER_NAME_MAX_CHARS = 100;
/** A per-VM step's commands listed in an approval request, each expanded; the rest are counted. */
export const APPROVAL_COMMANDS_LISTED = 50;
/** VM names in the one-line summary of a request (the request itself lists every VM). */
export const APPROVAL_SUMMARY_VMS = 10;
/** The longest --reason an approver may give. */
export const APPROVAL_REASON_MAX_CHARS = 1000;

// History, ETA and notifications ---------------------------------------------------------------------

/** Past runs kept per runbook for step medians (the ETA, go/no-go, `patchwalk history`). */
export const HISTORY_RUNS_KEPT = 50;
/** Largest history file read; a bigger one is treated as damaged and started afresh. */
export const HISTORY_FILE_MAX_BYTES = 4 * 1024 * 1024;
/** Steps of one run kept in its history entry (a runbook has at most RUNBOOK_MAX_STEPS). */
export const HISTORY_STEPS_MAX = 2000;
/** How long a prompt waits for an answer before the `waiting` notification, unless notify.idle says. */
export const NOTIFY_IDLE_DEFAULT_MS = 5 * 60_000;
/** One delivery attempt: a webhook POST or a command hook. */
export const NOTIFY_TIMEOUT_MS = 10_000;
/** Attempts per notification and target before it is given up on. */
export const NOTIFY_ATTEMPTS = 4;
/** The first retry waits this long; each later one twice as long as the one before. */
export const NOTIFY_RETRY_BASE_MS = 2000;
/** Notifications waiting to be sent; past this the oldest are dropped (and said so once). */
export const NOTIFY_QUEUE_MAX = 200;
/** Most notification targets (runbook and settings together). */
export const NOTIFY_TARGETS_MAX = 10;
/** Output of a command hook kept for a failure message. */
export const NOTIFY_OUTPUT_MAX_BYTES = 64 * 1024;
/** When the run ends, how long patchwalk waits for notifications still being sent before it exits. */
export const NOTIFY_FLUSH_MS = 5000;
/** Largest user settings file (conf) read. */
export const SETTINGS_MAX_BYTES = 256 * 1024;

// Watching a run, and handing it over ----------------------------------------------------------

/** How often a watcher looks for appended journal and output bytes when fs.watch says nothing. */
export const WATCH_POLL_MS = 250;
/** Most bytes a watcher reads from a journal or output file in one go; the rest on the next turn. */
export const WATCH_READ_CHUNK_BYTES = 256 * 1024;
/** How long `resume --take-over` waits for a live driver to let go of the run before taking it anyway. */
export const HANDOVER_WAIT_MS = 10_000;
/** How often the taking-over session looks whether the previous driver has let go. */
export const HANDOVER_POLL_MS = 100;
/** Longest handover reason kept in the journal. */
export const HANDOVER_REASON_MAX_CHARS = 500;
