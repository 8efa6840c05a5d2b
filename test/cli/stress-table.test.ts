// One table of every prompt kind × every answer an operator gives at 2am, played in BOTH renderers
// on a real terminal: line mode (`--plain`) and the console. For each row the two must end with
// the same run state (its standing in the journal, the step it is at, the VMs this run stopped that
// are still off), and that state must be safe: resumable, or every VM it stopped running again,
// unless the row's answer explicitly chose to end with them off.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stoppedAndOff } from '../../src/engine/engine.js';
import { readJournal, recordsOf } from '../../src/journal/journal-reader.js';
import { runStart } from '../../src/journal/replay.js';
import { rebuild } from '../../src/journal/replay.js';
import { standingOf } from '../../src/journal/run-index.js';
import { loadRunbookText } from '../../src/runbook/load.js';
import { tempDir } from '../helpers/cli.js';
import { KEY, PtySession } from '../helpers/pty.js';

const RUNBOOK = 'test/fixtures/stress/every-prompt.yaml';
const ARGS = ['run', RUNBOOK, '--set', 'host=sim01'];

type Renderer = 'line' | 'console';
const RENDERERS: Renderer[] = ['line', 'console'];

/** Every answer of the issue. Where yes/no mean nothing to a prompt (a text field, a list of named choices), they are text like any other garbage. */
const ANSWERS = ['empty', 'yes', 'no', 'garbage', 'EOF', 'q', 'Ctrl-C'] as const;
type Answer = (typeof ANSWERS)[number];

/**
 * How the console takes answers at a prompt: `text`, typed and then Enter (a text field, where q is
 * text too); `enter`, a note, where keys with no meaning come before the Enter that goes on, and q
 * is the quit key; or `keys`, one key each (y/n questions, lists), where Enter alone is the empty
 * answer and garbage is stray keys.
 */
type Field = 'text' | 'enter' | 'keys';

interface PromptRow {
  name: string;
  /** On screen, in both renderers, once it is asked. */
  shows: string;
  field: Field;
  /** The answer that goes on to the next question, by renderer. */
  go: Record<Renderer, string>;
  /** Answers that explicitly end the run (and may leave what it stopped off). */
  ends?: Answer[];
}

/** The questions of every-prompt.yaml, in the order the run asks them. */
const ORDER: PromptRow[] = [
  { name: 'note gate', shows: 'Press Enter to go on', field: 'enter', go: { line: KEY.enter, console: KEY.enter } },
  { name: 'input', shows: '? Change ticket', field: 'text', go: { line: 'CHG1\r', console: 'CHG1\r' } },
  // "none of them" stops the run before anything is off: an explicit decline.
  { name: 'migrate (select-vms)', shows: '? Live-migrate to kvm02', field: 'keys', go: { line: 'y\r', console: 'y' }, ends: ['no'] },
  { name: 'shutdown set (select-vms)', shows: '? Shut down (graceful', field: 'keys', go: { line: 'y\r', console: 'y' }, ends: ['no'] },
  { name: 'force-off (destructive choice)', shows: '? cache01 did not shut down', field: 'keys', go: { line: '1\r', console: '1' } },
  { name: 'choice (with a default)', shows: '? Which kernel', field: 'keys', go: { line: KEY.enter, console: KEY.enter } },
  // confirm's "no" would end the run (on_no: abort) with the VMs off: the quit question comes first.
  { name: 'confirm', shows: '? Apply the updates now?', field: 'keys', go: { line: 'y\r', console: 'y' } },
  { name: 'reboot (typed host name)', shows: 'Type the host name', field: 'text', go: { line: 'sim01\r', console: 'sim01\r' } },
];

/** The quit question itself, asked at the confirm with three VMs off. */
const QUIT: PromptRow & { from: string; open: Record<Renderer, string> } = {
  name: 'quit question',
  shows: 'Quit?',
  field: 'keys',
  go: { line: KEY.enter, console: KEY.enter },
  from: 'confirm',
  open: { line: 'q\r', console: 'q' },
};

/** What a renderer is sent for an answer; EOF and Ctrl-C are handled apart. */
function keysFor(answer: Exclude<Answer, 'EOF' | 'Ctrl-C'>, renderer: Renderer, field: Field): string {
  const text = { empty: '', yes: 'y', no: 'n', garbage: 'bogus', q: 'q' }[answer];
  if (renderer === 'line' || field === 'text' || answer === 'empty') return `${text}\r`;
  return field === 'enter' && answer !== 'q' ? `${text}\r` : text;
}

interface EndState {
  /** The answer itself ended the process, before the terminal went away. */
  ended: boolean;
  standing: string;
  /** The step the run is at (or ended at). */
  step: string | undefined;
  /** VMs this run stopped that are still off. */
  off: string[];
}

function endState(state: string): Omit<EndState, 'ended'> & { ended: false } {
  const [id] = readdirSync(join(state, 'runs'));
  if (!id) throw new Error('no run was recorded');
  const dir = join(state, 'runs', id);
  const { records } = readJournal(join(dir, 'journal.jsonl'));
  const start = runStart(records);
  const runbook = loadRunbookText(start.runbook.path, readFileSync(join(dir, 'runbook.yaml'), 'utf8')).runbook;
  if (!runbook) throw new Error('the run copy of the runbook does not load');
  const rebuilt = rebuild(records, runbook, {});
  const steps = recordsOf(records, 'step-start');
  return { ended: false, standing: standingOf(records), step: steps.at(-1)?.step, off: [...stoppedAndOff(rebuilt)].sort() };
}

/** Keys as a person types them, one at a time; an escape sequence is one key. */
async function send(s: PtySession, keys: string): Promise<void> {
  if (keys.startsWith('\u001B')) await s.press(keys);
  else await s.type(keys);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The journal's newest record, and how long the file has been as it is. */
function journalOf(state: string): { last: string | undefined; size: number } {
  const [id] = existsRuns(state);
  if (!id) return { last: undefined, size: 0 };
  const file = join(state, 'runs', id, 'journal.jsonl');
  const text = readFileSync(file, 'utf8').trimEnd();
  const last = text.slice(text.lastIndexOf('\n') + 1);
  return { last: (JSON.parse(last) as { type: string }).type, size: statSync(file).size };
}

function existsRuns(state: string): string[] {
  try {
    return readdirSync(join(state, 'runs'));
  } catch {
    return [];
  }
}

/**
 * Waits until the run stands still: the process has ended, or its journal last recorded a
 * question and has not grown since. Keys just sent are given a moment to arrive first.
 */
async function settle(s: PtySession, state: string): Promise<void> {
  await sleep(300);
  let seen = journalOf(state);
  for (let waited = 0; waited < 20_000; waited += 150) {
    if (s.exitCode !== undefined) return;
    await sleep(150);
    const now = journalOf(state);
    if (now.size === seen.size && (now.last === 'prompt' || now.last === 'answer')) return;
    seen = now;
  }
  throw new Error(`the run never settled; the screen shows:\n${s.text()}`);
}

async function play(renderer: Renderer, target: PromptRow, answer: Answer): Promise<EndState & { screen: string }> {
  const state = tempDir('patchwalk-table-');
  const s = new PtySession([...ARGS, ...(renderer === 'line' ? ['--plain'] : [])], { cols: 120, rows: 40, env: { PATCHWALK_STATE_DIR: state, PATCHWALK_SIM_SPEED: '10' } });
  sessions.push(s);
  const quit = target === QUIT;
  const upTo = ORDER.findIndex((row) => row.name === (quit ? QUIT.from : target.name));
  for (const row of ORDER.slice(0, upTo)) {
    await s.waitFor(row.shows);
    // The question is on screen a moment before its keys are taken.
    await sleep(150);
    await send(s, row.go[renderer]);
  }
  if (quit) {
    await s.waitFor(ORDER[upTo]!.shows);
    await sleep(150);
    await send(s, QUIT.open[renderer]);
  }
  await s.waitFor(target.shows);
  await sleep(150);
  if (answer === 'EOF') {
    if (renderer === 'line') await s.press('\u0004');
    else s.process.kill('SIGHUP');
  } else if (answer === 'Ctrl-C') {
    // Line mode: SIGINT to the process, as a terminal's Ctrl-C sends it. The console reads the key.
    if (renderer === 'line') s.process.kill('SIGINT');
    else await s.press(KEY.ctrlC);
  } else {
    await send(s, keysFor(answer, renderer, target.field));
  }
  await settle(s, state);
  const screen = s.text();
  // EOF on a terminal is the terminal going away: in the console that is the hang-up itself.
  const ended = s.exitCode !== undefined || answer === 'EOF';
  // The terminal goes away: the same end for both renderers, whatever is still asked.
  if (s.exitCode === undefined) s.process.kill('SIGHUP');
  await Promise.race([s.wait(), sleep(10_000)]);
  return { ...endState(state), ended, screen };
}

const sessions: PtySession[] = [];
afterEach(() => {
  for (const s of sessions.splice(0)) s.kill();
});

const ROWS = [...ORDER, QUIT].flatMap((prompt) => ANSWERS.map((answer) => [prompt.name, answer, prompt] as const));

describe('every prompt × every answer, in both renderers', () => {
  it.each(ROWS)('%s, %s: line mode and the console end the same, and safe', async (_name, answer, prompt) => {
    // The two renderers play the row side by side, each on its own terminal and state dir.
    const [line, console] = await Promise.all(RENDERERS.map((renderer) => play(renderer, prompt, answer)));
    if (!line || !console) throw new Error('a renderer did not play');
    const show = `line mode:\n${line.screen}\n\nconsole:\n${console.screen}`;
    const compared = ({ ended, standing, step, off }: EndState) => ({ ended, standing, step, off });
    expect(compared(console), show).toEqual(compared(line));
    // Safe: resumable, or nothing this run stopped is left off, or the operator said so.
    const safe = line.standing === 'interrupted' || line.off.length === 0 || prompt.ends?.includes(answer) === true;
    expect(safe, `${line.standing} with ${line.off.join(', ')} off\n${show}`).toBe(true);
  }, 120_000);
});
