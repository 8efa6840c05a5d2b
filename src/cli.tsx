#!/usr/bin/env -S node --max-old-space-size=96 --max-semi-space-size=4
// The heap flags keep the console's memory bounded through a flood of output: patchwalk's live data
// is a few MB, and without a cap V8 lets garbage from redraws grow the heap past 200 MB. The young
// generation is 4 MB a half, not 2: a shutdown of 5,000 VMs makes lists and frames that outlived
// 2 MB of allocation, so each was copied and promoted, and the collections that followed held keys
// back by 20 ms at a time. At 8 MB one larger scavenge, copying the whole 5,000-VM state at once,
// landed at the shutdown's start instead (the key bench over its limit in 5 runs of 16, against 2
// at 4 MB).
// Parses the command line and hands off; each command lives in src/commands/.
import './argv-mask.js';
import './v8-flags.js';
import './process-env.js';
import './bench-report.js';
import { helpText, parseCommandLine } from './cli-args.js';
import type { Io } from './commands/run.js';
import { EXIT, KnownCauseError, UsageError } from './exit-codes.js';
import { describeSystemError, StateWriteError } from './journal/state-io.js';
import { statSync } from 'node:fs';

const HELP = `
  Usage
    $ patchwalk demo                          rehearse on the built-in simulated host
    $ patchwalk demo --cluster                a rolling patch of a simulated 3-node cluster
    $ patchwalk run FILE [--set k=v]… [--dry-run] [--yes] [--plain]
    $ patchwalk run FILE --rehearse [--inventory FILE.json] [--guided]  rehearse on a simulated
                                              copy of the host's VMs; no command is executed
    $ patchwalk lint PATH… [--format text|json]
    $ patchwalk vms FILE [--set k=v]… [--json] [--record DIR]
    $ patchwalk hosts FILE [--set k=v]… [--json]  a cluster runbook's members and how each is reached
    $ patchwalk runs [--json]                 list runs, newest first
    $ patchwalk resume [RUN] [--set secret=v] [--plain]  go on with an interrupted run (if none is named:
                                              the one holding a host's lock or with VMs down, else the newest)
    $ patchwalk report RUN [--format md|json]  (RUN may be "latest": the newest run)
    $ patchwalk schema                        print the runbook JSON Schema
    $ patchwalk history FILE [--json]         past step durations of a runbook (median, min, max):
                                              the figures behind the ETA and go/no-go
    $ patchwalk config [get KEY | set KEY VALUE | unset KEY]  your settings (notify.targets,
                                              notify.idle) and the file they live in
    $ patchwalk approve RUN [--reason "…"]    a second operator approves the step a run waits on
    $ patchwalk deny RUN --reason "…"         …or denies it (shows what the step does, then asks
                                              for approve/deny typed out; never your own run)
    $ patchwalk watch [RUN|latest] [--plain]  follow a run read-only from another session (default: the
                                              run being driven now, else the newest); q leaves
    $ patchwalk resume RUN --take-over --reason "…"  take a run over from the operator driving it

  Options
    --set k=v     give a param a value (repeatable)
    --dry-run     print what would run, with every template expanded; change nothing
    --yes         answer confirmations yes (destructive ones only if the runbook allows unattended runs)
    --plain       line-by-line output even on a terminal
    --format      lint: text or json; report: md or json
    --json        machine-readable output
    --record DIR  vms: keep what the provider asked the host and what it answered, for the tests
    --take-over   take over a stale host lock (its process is gone) without asking; with resume, take
                  the run over from its driver even while they drive it (journaled as a handover)
    --rehearse    run every step against a simulated copy of the inventory; execute no command,
                  take no lock on the host (steps may give a canned result: rehearse: {output, exit_code})
    --inventory   with --rehearse: a saved inventory (patchwalk vms FILE --json > inv.json) instead
                  of reading the real host once
    --guided      for trainees: before each step show why, expect and what it does to which VMs,
                  and wait for Enter; after it, compare the outcome with expect
    --reason      approve/deny: why, for the journal and the report; resume --take-over: why, journaled
                  with the handover

  Exit codes
    0 done · 1 a step failed or the operator aborted · 2 invalid runbook or usage
    3 input needed but none available · 130 interrupted (or the run was taken over)

  State
    Runs, journals and locks live in $PATCHWALK_STATE_DIR
    (default $XDG_STATE_HOME/patchwalk or ~/.local/state/patchwalk).
`;

const DESCRIPTION = 'A terminal runbook console for virtualization-host maintenance windows';

const FLAGS = {
  set: { type: 'string', isMultiple: true, default: [] },
  dryRun: { type: 'boolean', default: false },
  yes: { type: 'boolean', shortFlag: 'y', default: false },
  plain: { type: 'boolean', default: false },
  format: { type: 'string' },
  json: { type: 'boolean', default: false },
  takeOver: { type: 'boolean', default: false },
  rehearse: { type: 'boolean', default: false },
  inventory: { type: 'string' },
  guided: { type: 'boolean', default: false },
  record: { type: 'string' },
  reason: { type: 'string' },
  cluster: { type: 'boolean', default: false },
} as const;

const io: Io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

// A reader that goes away (`patchwalk lint | head`) is not a crash; a run treats it as an interruption.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

function one(args: string[], what: string, command: string): string {
  const [only] = args;
  if (args.length !== 1 || only === undefined) throw new UsageError(`${command} takes exactly one ${what}; see patchwalk --help`);
  return only;
}

/**
 * lint with its modules in one file (command-bundle.config.mjs), unless a compile since the bundle
 * was made (dist/.tsbuildinfo is newer) may have changed what it holds; then lint.js itself.
 */
async function importLint(): Promise<typeof import('./commands/lint.js')> {
  const bundle = new URL('./commands/lint.bundle.js', import.meta.url);
  try {
    const built = statSync(bundle).mtimeMs;
    const compiled = statSync(new URL('./.tsbuildinfo', import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? 0;
    if (compiled <= built) return (await import(bundle.href)) as typeof import('./commands/lint.js');
  } catch {
    // No bundle: running from the sources (tests) or a build without it.
  }
  return import('./commands/lint.js');
}

// Each command is loaded only when chosen: `--help`, `runs` and `schema` must not pay for Ink,
// React, execa and zod (hundreds of modules) that only a run needs.
async function main(): Promise<number> {
  const cli = parseCommandLine(process.argv.slice(2), { description: DESCRIPTION, help: HELP, flags: FLAGS }, io.stdout);
  if (cli.answered) return EXIT.ok;
  const [command, ...args] = cli.input;
  const flags = cli.flags;
  const runFlags = { set: flags.set, dryRun: flags.dryRun, yes: flags.yes, plain: flags.plain, takeOver: flags.takeOver, rehearse: flags.rehearse, inventory: flags.inventory, guided: flags.guided };
  switch (command) {
    case 'demo':
      return (await import('./commands/demo.js')).runDemo({ ...runFlags, cluster: flags.cluster }, io);
    case 'run':
      return (await import('./commands/run.js')).runRunbook(one(args, 'runbook file', 'run'), runFlags, io);
    case 'lint':
      return (await importLint()).lintPaths(args, flags.format ?? 'text', io.stdout);
    case 'vms':
      return (await import('./commands/vms.js')).listVms(one(args, 'runbook file', 'vms'), { set: flags.set, json: flags.json, record: flags.record }, io.stdout, io.stderr);
    case 'hosts':
      return (await import('./commands/hosts.js')).listHosts(one(args, 'runbook file', 'hosts'), { set: flags.set, json: flags.json }, io.stdout, io.stderr);
    case 'schema':
      return (await import('./commands/schema.js')).printSchema(io.stdout);
    case 'runs':
      if (args.length) throw new UsageError('runs takes no arguments; see patchwalk --help');
      return (await import('./commands/runs.js')).printRuns(flags.json, io.stdout);
    case 'resume':
      if (args.length > 1) throw new UsageError('resume takes at most one run id; see patchwalk --help');
      return (await import('./commands/resume.js')).resumeRun(args[0], { set: flags.set, yes: flags.yes, takeOver: flags.takeOver, plain: flags.plain, reason: flags.reason }, io);
    case 'report':
      return (await import('./commands/report.js')).writeReport(one(args, 'run id', 'report'), flags.format ?? 'md', io.stdout);
    case 'history':
      return (await import('./commands/history.js')).printHistory(one(args, 'runbook file', 'history'), flags.json, io.stdout);
    case 'config':
      return (await import('./commands/config.js')).configCommand(args, { json: flags.json }, io);
    case 'approve':
    case 'deny':
      return (await import('./commands/approve.js')).answerApproval(command, one(args, 'run id', command), { reason: flags.reason }, io);
    case 'watch':
      if (args.length > 1) throw new UsageError('watch takes at most one run id; see patchwalk --help');
      return (await import('./commands/watch.js')).watchRun(args[0], { plain: flags.plain }, io);
    case undefined:
      io.stdout.write(helpText(DESCRIPTION, HELP));
      return EXIT.usage;
    default:
      throw new UsageError(`unknown command "${command}"; see patchwalk --help`);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`patchwalk: ${error.message}\n`);
      process.exitCode = EXIT.usage;
      return;
    }
    // A cause outside patchwalk (a full disk, an unsafe state dir) is named, and is no bug.
    const known = error instanceof KnownCauseError ? error.message : describeSystemError(error);
    if (known) {
      process.stderr.write(`patchwalk: ${known}\n`);
      if (error instanceof StateWriteError && error.hint) process.stderr.write(`patchwalk: ${error.hint}\n`);
      if (process.env.PATCHWALK_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
      process.exitCode = EXIT.failed;
      return;
    }
    // Anything else is a bug in patchwalk: say so plainly, keep the detail for the report.
    process.stderr.write(`patchwalk: internal error: ${(error as Error).message ?? String(error)}\n`);
    if (process.env.PATCHWALK_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    process.exitCode = EXIT.failed;
  },
);
