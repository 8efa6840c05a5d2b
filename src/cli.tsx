#!/usr/bin/env -S node --max-old-space-size=96 --max-semi-space-size=2
// The heap flags keep the console's memory bounded through a flood of output: patchwalk's live data
// is a few MB, and without a cap V8 lets garbage from redraws grow the heap past 200 MB.
// Parses the command line and hands off; each command lives in src/commands/.
import './process-env.js';
import './bench-report.js';
import meow from 'meow';
import { runDemo } from './commands/demo.js';
import { lintPaths } from './commands/lint.js';
import { runRunbook, type Io } from './commands/run.js';
import { writeReport } from './commands/report.js';
import { resumeRun } from './commands/resume.js';
import { printRuns } from './commands/runs.js';
import { printSchema } from './commands/schema.js';
import { listVms } from './commands/vms.js';
import { EXIT, UsageError } from './exit-codes.js';

const HELP = `
  Usage
    $ patchwalk demo                          rehearse on the built-in simulated host
    $ patchwalk run FILE [--set k=v]… [--dry-run] [--yes] [--plain]
    $ patchwalk lint PATH… [--format text|json]
    $ patchwalk vms FILE [--set k=v]… [--json]
    $ patchwalk runs [--json]                 list runs, newest first
    $ patchwalk resume [RUN] [--set secret=v] [--plain]  go on with an interrupted run (the newest if none is named)
    $ patchwalk report RUN [--format md|json]
    $ patchwalk schema                        print the runbook JSON Schema

  Options
    --set k=v     give a param a value (repeatable)
    --dry-run     print what would run, with every template expanded; change nothing
    --yes         answer confirmations yes (destructive ones only if the runbook allows unattended runs)
    --plain       line-by-line output even on a terminal
    --format      lint: text or json; report: md or json
    --json        machine-readable output
    --take-over   take over a stale host lock (its process is gone) without asking

  Exit codes
    0 done · 1 a step failed or the operator aborted · 2 invalid runbook or usage
    3 input needed but none available · 130 interrupted

  State
    Runs, journals and locks live in $PATCHWALK_STATE_DIR
    (default $XDG_STATE_HOME/patchwalk or ~/.local/state/patchwalk).
`;

const cli = meow(HELP, {
  importMeta: import.meta,
  allowUnknownFlags: false,
  flags: {
    set: { type: 'string', isMultiple: true, default: [] },
    dryRun: { type: 'boolean', default: false },
    yes: { type: 'boolean', shortFlag: 'y', default: false },
    plain: { type: 'boolean', default: false },
    format: { type: 'string' },
    json: { type: 'boolean', default: false },
    takeOver: { type: 'boolean', default: false },
  },
});

const io: Io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

// A reader that goes away (`patchwalk lint | head`) is not a crash; a run treats it as an interruption.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

function one(args: string[], what: string, command: string): string {
  if (args.length !== 1) throw new UsageError(`${command} takes exactly one ${what}; see patchwalk --help`);
  return args[0];
}

async function main(): Promise<number> {
  const [command, ...args] = cli.input;
  const flags = cli.flags;
  const runFlags = { set: flags.set, dryRun: flags.dryRun, yes: flags.yes, plain: flags.plain, takeOver: flags.takeOver };
  switch (command) {
    case 'demo':
      return runDemo(runFlags, io);
    case 'run':
      return runRunbook(one(args, 'runbook file', 'run'), runFlags, io);
    case 'lint':
      return lintPaths(args, flags.format ?? 'text', io.stdout);
    case 'vms':
      return listVms(one(args, 'runbook file', 'vms'), { set: flags.set, json: flags.json }, io.stdout, io.stderr);
    case 'schema':
      return printSchema(io.stdout);
    case 'runs':
      if (args.length) throw new UsageError('runs takes no arguments; see patchwalk --help');
      return printRuns(flags.json, io.stdout);
    case 'resume':
      if (args.length > 1) throw new UsageError('resume takes at most one run id; see patchwalk --help');
      return resumeRun(args[0], { set: flags.set, yes: flags.yes, takeOver: flags.takeOver, plain: flags.plain }, io);
    case 'report':
      return writeReport(one(args, 'run id', 'report'), flags.format ?? 'md', io.stdout);
    case undefined:
      cli.showHelp(EXIT.usage);
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
    // Anything else is a bug in patchwalk: say so plainly, keep the detail for the report.
    process.stderr.write(`patchwalk: internal error: ${(error as Error).message ?? String(error)}\n`);
    if (process.env.PATCHWALK_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    process.exitCode = EXIT.failed;
  },
);
