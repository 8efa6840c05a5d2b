// The console under stress, on a real terminal: q (Esc in a text field), Ctrl-C and a dropped
// connection (SIGHUP) at every kind of question of a patch with VMs down. Each ends with the run
// resumable, never with a VM this run stopped left off without a decision.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { patchwalk, tempDir } from '../helpers/cli.js';
import { KEY, PtySession } from '../helpers/pty.js';

let session: PtySession | undefined;
afterEach(() => session?.kill());

const ARGS = ['run', 'test/fixtures/durable/demo-fast.yaml', '--set', 'host=sim01'];

/** Keys that reach each question, with what is on screen once it is there. */
const NOTE = 'Press Enter to go on';
const SHUTDOWN = 'Shut down (graceful';
const FORCE_OFF = 'did not shut down';
const QUESTIONS = [
  { name: 'input (param)', args: [] as string[], reach: [] as string[], shows: 'Change ticket', text: true },
  { name: 'note (continue)', args: ['--set', 'ticket=CHG1'], reach: [], shows: NOTE, text: false },
  { name: 'select-vms (shutdown)', args: ['--set', 'ticket=CHG1'], reach: [NOTE], shows: SHUTDOWN, text: false },
  { name: 'choice (force-off)', args: ['--set', 'ticket=CHG1'], reach: [NOTE, SHUTDOWN], shows: FORCE_OFF, text: false },
  { name: 'type-to-confirm (reboot)', args: ['--set', 'ticket=CHG1'], reach: [NOTE, SHUTDOWN, FORCE_OFF], shows: 'Type the host name', text: true },
];

const WAYS = ['quit key', 'Ctrl-C', 'SIGHUP'] as const;

/** What goes on past each question on the way: Enter (continue), y (these VMs), 1 (force off). */
const GO: Record<string, string> = { [NOTE]: KEY.enter, [SHUTDOWN]: 'y', [FORCE_OFF]: '1' };

/** Answers each question on the way once it shows. */
async function reach(s: PtySession, questions: string[], shows: string): Promise<void> {
  for (const question of questions) {
    await s.waitFor(question, 15_000);
    // A person answers after reading. Ink listens to a new prompt's keys from an effect that runs
    // just after the prompt is drawn, so a key sent within that instant (as a loaded CI machine
    // can make happen) may reach no one; here the answer comes a human moment later.
    await new Promise((resolve) => setTimeout(resolve, 150));
    await s.press(GO[question] ?? KEY.enter);
  }
  await s.waitFor(shows, 15_000);
}

describe('the console under stress', () => {
  const cases = QUESTIONS.flatMap((question) => WAYS.map((way) => [question.name, way, question] as const));
  it.each(cases)('%s, %s: the run stays resumable', async (_name, way, question) => {
    const state = tempDir('patchwalk-stress-');
    session = new PtySession([...ARGS, ...question.args], { cols: 100, rows: 30, env: { PATCHWALK_STATE_DIR: state, PATCHWALK_SIM_SPEED: '10' } });
    const s = session;
    if (question.args.length === 0) await s.waitFor(question.shows);
    else await reach(s, question.reach, question.shows);
    if (way === 'SIGHUP') {
      s.process.kill('SIGHUP');
    } else {
      await s.press(way === 'Ctrl-C' ? KEY.ctrlC : question.text ? KEY.escape : 'q');
      await s.waitFor('Quit?');
      await s.press(KEY.enter);
    }
    expect(await s.wait()).toBe(130);
    const [id] = readdirSync(join(state, 'runs'));
    const runs = JSON.parse(String((await patchwalk(['runs', '--json'], { env: { PATCHWALK_STATE_DIR: state } })).stdout)) as { id: string; state: string }[];
    expect(runs.find((run) => run.id === id)?.state).toBe('interrupted');
  }, 40_000);
});
