// Every prompt of a patch with VMs down, in line mode, against the answers an operator gives at
// 2am: an empty Enter, garbage, q, a closed stdin. Each path ends with the run resumable (or, for
// an explicit "no" before anything was stopped, ended with nothing off): never with a VM this run
// stopped left off without a decision.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { patchwalk, tempDir } from '../helpers/cli.js';

const ARGS = ['run', 'test/fixtures/durable/demo-fast.yaml', '--plain', '--set', 'host=sim01'];

/** Input that reaches each prompt; the ticket param is asked first when it is not given. */
const PROMPTS = {
  'input (param)': { args: [], before: '' },
  'select-vms (shutdown)': { args: ['--set', 'ticket=CHG1'], before: '' },
  'choice (force-off)': { args: ['--set', 'ticket=CHG1'], before: 'y\n' },
  'type-to-confirm (reboot)': { args: ['--set', 'ticket=CHG1'], before: 'y\nforce\n' },
} as const;

/** Each answer, then stdin closes. */
const ANSWERS = { empty: '\n', yes: 'y\n', no: 'n\n', garbage: 'maybe\n', q: 'q\n', eof: '' } as const;

/** The one explicit decline among them: "none of these VMs" at the shutdown set, before anything is off. */
const DECLINES = new Set(['select-vms (shutdown)/no']);

const cases = Object.entries(PROMPTS).flatMap(([prompt, reach]) => Object.entries(ANSWERS).map(([answer, text]) => [prompt, answer, reach, text] as const));

describe('line mode under stress', () => {
  it.each(cases)('%s, %s: the run stays resumable, or ends by an explicit no with nothing off', async (prompt, answer, reach, text) => {
    const state = tempDir('patchwalk-stress-');
    const result = await patchwalk([...ARGS, ...reach.args], { input: reach.before + text, env: { PATCHWALK_STATE_DIR: state } });
    if (DECLINES.has(`${prompt}/${answer}`)) {
      expect(result.exitCode).toBe(1);
      expect(String(result.stdout)).toContain('operator declined the shutdown');
      expect(String(result.stdout)).not.toMatch(/NOT BACK/);
      return;
    }
    // An input param accepts any text (and q is text there): it goes on to the next question.
    expect(result.exitCode, `${String(result.stdout)}\n${String(result.stderr)}`).toBe(3);
    expect(String(result.stderr)).toContain('the run is kept; go on with: patchwalk resume');
    const [id] = readdirSync(join(state, 'runs'));
    const runs = JSON.parse(String((await patchwalk(['runs', '--json'], { env: { PATCHWALK_STATE_DIR: state } })).stdout)) as { id: string; state: string }[];
    expect(runs.find((run) => run.id === id)?.state).toBe('interrupted');
    // q asks the quit question, except in a text field, where it is text (here: not a ticket number).
    if (answer === 'q') expect(String(result.stdout)).toMatch(/Quit\?|does not match/);
  }, 30_000);
});
