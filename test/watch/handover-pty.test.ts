// Handover: driver A in one terminal, B takes the run over with resume --take-over --reason in
// another. The journal records it, A's console says so and only watches, B drives on, and the
// report lists the handover.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseJournal } from '../../src/journal/journal-reader.js';
import type { RecordOf } from '../../src/journal/records.js';
import { patchwalk, tempDir, writeRunbook } from '../helpers/cli.js';
import { KEY, PtySession } from '../helpers/pty.js';
import { onlyRun } from '../helpers/state.js';

const sessions: PtySession[] = [];
afterEach(() => {
  for (const session of sessions.splice(0)) session.kill();
});

function open(args: string[], state: string, env: Record<string, string> = {}): PtySession {
  const session = new PtySession(args, { cols: 110, rows: 32, env: { PATCHWALK_STATE_DIR: state, ...env } });
  sessions.push(session);
  return session;
}

const RUNBOOK = `runbook: 1
title: Handed over
steps:
  - { id: hello, title: Say hello, run: "echo hello-from-a" }
  - { id: ask, title: Ask to go on, confirm: "Go on with the last step?" }
  - { id: bye, title: Say bye, run: "echo bye-from-b" }
`;

function records(runDir: string) {
  return parseJournal(readFileSync(join(runDir, 'journal.jsonl'), 'utf8')).records;
}

describe('resume --take-over --reason', () => {
  it('hands a live run over: journaled, A says "taken over by" and only watches, B finishes it, the report lists it', async () => {
    const dir = tempDir('patchwalk-handover-');
    const state = join(dir, 'state');
    const file = writeRunbook(dir, 'handover.yaml', RUNBOOK);
    const a = open(['run', file], state);
    await a.waitFor('Go on with the last step?');
    const run = onlyRun(state);

    // Without --take-over the live run is refused, and the refusal says how to take it over.
    const refused = await patchwalk(['resume', run.id], { env: { PATCHWALK_STATE_DIR: state } });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('--take-over --reason');
    // --take-over of a live run needs a reason.
    const noReason = await patchwalk(['resume', run.id, '--take-over'], { env: { PATCHWALK_STATE_DIR: state } });
    expect(noReason.exitCode).toBe(2);
    expect(noReason.stderr).toContain('--reason');
    expect(records(run.dir).some((record) => record.type === 'handover')).toBe(false);

    const b = open(['resume', run.id, '--take-over', '--reason', 'shift change at 02:00'], state, { SSH_CLIENT: '192.0.2.7 50000 22' });
    await b.waitFor('Go on with the last step?');
    const screenA = await a.waitFor('taken over by');
    expect(screenA).toContain('shift change at 02:00');
    expect(screenA).toContain('watching');
    expect(screenA).not.toContain('[y/n]');

    const handovers = records(run.dir).filter((record): record is RecordOf<'handover'> => record.type === 'handover');
    expect(handovers).toHaveLength(1);
    const handover = handovers[0]!;
    expect(handover.reason).toBe('shift change at 02:00');
    expect(handover.live).toBe(true);
    expect(handover.from.pid).toBe(a.process.pid);
    expect(handover.to.ssh_client).toBe('192.0.2.7');
    // A journaled that it stopped, and nothing after B resumed.
    const all = records(run.dir);
    const resumeAt = all.findIndex((record) => record.type === 'resume');
    const stoppedAt = all.findIndex((record) => record.type === 'interrupted' && record.signal === 'handover');
    expect(stoppedAt).toBeGreaterThan(all.indexOf(handover));
    expect(resumeAt).toBeGreaterThan(stoppedAt);

    // Keys in A answer nothing any more: the question is B's.
    const before = readFileSync(join(run.dir, 'journal.jsonl'), 'utf8');
    await a.press('y', KEY.enter);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(readFileSync(join(run.dir, 'journal.jsonl'), 'utf8')).toBe(before);

    await b.press('y');
    await b.waitFor('Run complete');
    // A follows the rest as a watcher.
    await a.waitFor('bye-from-b');
    await b.press(KEY.enter);
    expect(await b.wait()).toBe(0);
    await a.press('q');
    // The session that was taken over did not finish the run: 130, as an interruption.
    expect(await a.wait()).toBe(130);

    const report = await patchwalk(['report', run.id], { env: { PATCHWALK_STATE_DIR: state } });
    expect(report.stdout).toMatch(/Handed over \|[^\n]*to [^\n]*\(from 192\.0\.2\.7\)[^\n]*shift change at 02:00/);
    const json = await patchwalk(['report', run.id, '--format', 'json'], { env: { PATCHWALK_STATE_DIR: state } });
    expect(JSON.parse(String(json.stdout)).run.handovers).toEqual([expect.objectContaining({ reason: 'shift change at 02:00', live: true })]);
  }, 90_000);

  it('taken over while a command runs: the command goes on, the new driver attaches to it and runs the rest, the old one runs nothing more', async () => {
    const dir = tempDir('patchwalk-handover-');
    const state = join(dir, 'state');
    const marker = join(dir, 'after.txt');
    const file = writeRunbook(
      dir,
      'running.yaml',
      `runbook: 1\ntitle: Running\nsteps:\n  - { id: slow, title: Slow, run: "echo slow-started; sleep 3; echo slow-finished" }\n  - { id: after, title: After, run: "echo $PPID >> ${marker}" }\n`,
    );
    const a = open(['run', file, '--plain'], state);
    await a.waitFor('slow-started');
    const run = onlyRun(state);
    const b = await patchwalk(['resume', run.id, '--take-over', '--reason', 'pager duty'], { env: { PATCHWALK_STATE_DIR: state } });
    expect(b.exitCode).toBe(0);
    expect(String(b.stdout)).toContain('slow-finished');
    expect(await a.wait()).toBe(130);
    // The step after ran once, by the new driver.
    expect(readFileSync(marker, 'utf8').trim().split('\n')).toHaveLength(1);
    const all = records(run.dir);
    expect(all.filter((record) => record.type === 'exec-start' && record.step === 'slow')).toHaveLength(1);
    expect(all.filter((record) => record.type === 'exec-attach' && record.step === 'slow')).toHaveLength(1);
    const stopped = all.findIndex((record) => record.type === 'interrupted' && record.signal === 'handover');
    expect(all.slice(stopped + 1).every((record) => !('pid' in record) || record.pid !== a.process.pid)).toBe(true);
  }, 60_000);

  it('a driver that does not let go (a frozen process) is taken over after the wait, and writes nothing once it wakes', async () => {
    const dir = tempDir('patchwalk-handover-');
    const state = join(dir, 'state');
    const file = writeRunbook(dir, 'handover.yaml', RUNBOOK);
    const a = open(['run', file, '--plain'], state);
    await a.waitFor('Go on with the last step?');
    const run = onlyRun(state);
    process.kill(a.process.pid, 'SIGSTOP');
    try {
      const b = await patchwalk(['resume', run.id, '--take-over', '--reason', 'frozen session'], { env: { PATCHWALK_STATE_DIR: state }, input: 'y\n' });
      expect(b.stderr).toContain('did not let go');
      expect(b.exitCode).toBe(0);
    } finally {
      process.kill(a.process.pid, 'SIGCONT');
    }
    expect(await a.wait()).toBe(130);
    const all = records(run.dir);
    const resumed = all.findIndex((record) => record.type === 'resume');
    expect(all.some((record) => record.type === 'interrupted')).toBe(false);
    expect(all.slice(resumed).some((record) => record.type === 'run-end')).toBe(true);
  }, 60_000);

  it('a line-mode driver that is taken over says so and ends with 130', async () => {
    const dir = tempDir('patchwalk-handover-');
    const state = join(dir, 'state');
    const file = writeRunbook(dir, 'handover.yaml', RUNBOOK);
    const a = open(['run', file, '--plain'], state);
    await a.waitFor('Go on with the last step?');
    const run = onlyRun(state);
    const b = await patchwalk(['resume', run.id, '--take-over', '--reason', 'A went home'], { env: { PATCHWALK_STATE_DIR: state }, input: 'y\n' });
    expect(b.exitCode).toBe(0);
    expect(await a.wait()).toBe(130);
    expect(a.text()).toContain('taken over by');
    const kinds = records(run.dir).map((record) => record.type);
    expect(kinds.filter((kind) => kind === 'handover')).toHaveLength(1);
    expect(kinds.at(-1)).toBe('lock');
  }, 60_000);
});
