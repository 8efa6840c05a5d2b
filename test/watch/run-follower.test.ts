// The watcher's reading: only appended bytes, whole lines only, and a run rebuilt from its journal
// and output files as the driver's console showed it, without writing anything.
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalObserver } from '../../src/journal/journal-observer.js';
import { JournalWriter } from '../../src/journal/journal-writer.js';
import type { Operator } from '../../src/journal/operator.js';
import { RunFolder } from '../../src/journal/run-folder.js';
import { Secrets } from '../../src/journal/secrets.js';
import { initialState, reduce } from '../../src/engine/engine.js';
import { HandoverDetector } from '../../src/watch/handover.js';
import { FileTail } from '../../src/watch/file-tail.js';
import { RunFollower, type WatchStanding } from '../../src/watch/run-follower.js';
import { watchLines } from '../../src/ui/watch-lines.js';
import { tempDir } from '../helpers/cli.js';
import { runbookFrom } from '../helpers/runbook.js';

describe('FileTail', () => {
  it('hands out whole lines only, each once, and waits for a line still being written', () => {
    const file = join(tempDir(), 'f');
    writeFileSync(file, 'one\ntw');
    const tail = new FileTail(file, 100);
    const seen: string[] = [];
    tail.read((line) => seen.push(line));
    expect(seen).toEqual(['one']);
    appendFileSync(file, 'o\nthree\n');
    tail.read((line) => seen.push(line));
    tail.read((line) => seen.push(line));
    expect(seen).toEqual(['one', 'two', 'three']);
    expect(tail.offset).toBe('one\ntwo\nthree\n'.length);
  });

  it('drops a line longer than its bound instead of buffering it, and goes on after it', () => {
    const file = join(tempDir(), 'f');
    writeFileSync(file, `${'x'.repeat(50)}`);
    const tail = new FileTail(file, 10);
    const seen: string[] = [];
    tail.read((line) => seen.push(line));
    appendFileSync(file, `${'x'.repeat(50)}\nshort\n`);
    tail.read((line) => seen.push(line));
    expect(seen).toEqual(['short']);
  });

  it('reads a file that is not there yet as empty', () => {
    const tail = new FileTail(join(tempDir(), 'missing'), 10);
    expect(tail.read(() => {})).toBe(false);
  });
});

const operator = (user: string, pid = 4242): Operator => ({ user, ssh_client: '198.51.100.4', hostname: 'box', pid });

function recordedRun() {
  const root = tempDir('patchwalk-follow-');
  const folder = new RunFolder(root, '20260101-120000-abcd');
  mkdirSync(folder.stepsDir, { recursive: true });
  const runbook = runbookFrom(`runbook: 1\ntitle: Followed\nsteps:\n  - { id: hello, title: Say hello, run: "echo hi" }\n  - { id: ask, title: Ask, confirm: "Go on?" }\n`);
  const options = { yes: false, dryRun: false, pauseToRead: false, pauseNotes: false, runId: folder.id, operator: 'alice' };
  const journal = new JournalWriter(folder.journal);
  journal.append({
    type: 'run-start',
    at: 1,
    v: 1,
    run: folder.id,
    runbook: { path: 'f.yaml', sha256: 'x', title: 'Followed', copy: 'runbook.yaml' },
    params: {},
    secret_params: [],
    options: { yes: false, dry_run: false },
    operator: operator('alice'),
  });
  const observer = new JournalObserver(journal, new Secrets());
  let state = initialState(runbook, options, {});
  const initial = state;
  const step = (event: Parameters<typeof reduce>[1]) => {
    const previous = state;
    state = reduce(state, event);
    observer.event(event, state, previous);
  };
  return { root, folder, journal, initial, step, get state() { return state; } };
}

describe('RunFollower', () => {
  it('rebuilds the run from the journal and a growing output file, and says who is asked what', () => {
    const run = recordedRun();
    run.step({ type: 'start', at: 2 });
    const effect = run.state.effect!;
    expect(effect.type).toBe('exec');
    run.journal.append({ type: 'exec-start', at: 3, step: 'hello', effect: effect.id, command: 'echo hi', output: 'steps/001-hello.out', status_file: 'steps/001-hello.status', pid_file: 'steps/001-hello.pid' });
    writeFileSync(run.folder.resolve('steps/001-hello.out'), 'O hi\nE par');

    const output: string[] = [];
    const standings: WatchStanding[] = [];
    const follower = new RunFollower(run.folder, run.initial, {
      state: () => {},
      output: (_step, stream, line) => output.push(`${stream}:${line}`),
      progress: () => {},
      standing: (standing) => standings.push(standing),
    });
    follower.pump();
    expect(output).toEqual(['stdout:hi']);
    expect(follower.state.effect?.type).toBe('exec');

    appendFileSync(run.folder.resolve('steps/001-hello.out'), 'tial\n');
    run.journal.append({ type: 'exec-end', at: 4, step: 'hello', effect: effect.id, exit_code: 0, timed_out: false, aborted: false, duration_ms: 1, output: { file: 'steps/001-hello.out', bytes: 1, sha256: 'x', lines: 2 } });
    run.step({ type: 'exec-done', effectId: effect.id, exitCode: 0, timedOut: false, stdout: 'hi\n', at: 5 });
    follower.pump();
    expect(output).toEqual(['stdout:hi', 'stderr:partial']);
    expect(follower.state.steps.map((step) => step.status)).toEqual(run.state.steps.map((step) => step.status));
    expect(follower.state.effect?.type).toBe('prompt');
    expect(standings.at(-1)?.waiting).toBe('waiting for alice (from 198.51.100.4) to answer: Go on?');
    // Reading changed nothing in the run folder.
    expect(readdirSync(run.folder.dir).sort()).toEqual(['journal.jsonl', 'steps']);
  });

  it('shows a handover and an unknown pending request (another helper\'s record) generically', () => {
    const run = recordedRun();
    run.step({ type: 'start', at: 2 });
    const notes: string[] = [];
    const standings: WatchStanding[] = [];
    const follower = new RunFollower(run.folder, run.initial, { state: () => {}, output: () => {}, progress: (_s, text) => notes.push(text), standing: (standing) => standings.push(standing) });
    run.journal.append({ type: 'handover', at: 6, from: operator('alice'), to: operator('bob', 77), reason: 'shift change', live: true });
    appendFileSync(run.folder.journal, `${JSON.stringify({ type: 'approval-request', at: 7, question: 'approve the reboot of kvm01?' })}\n`);
    follower.pump();
    expect(notes).toContain('taken over by bob (from 198.51.100.4) from alice (from 198.51.100.4): shift change');
    const last = standings.at(-1)!;
    expect(last.waiting).toBe('waiting: approve the reboot of kvm01?');
    expect(watchLines(last)).toEqual(['taken over by bob (from 198.51.100.4) (shift change)', 'waiting: approve the reboot of kvm01?']);
    // In a narrow pane each fact wraps whole, so a resume command is never cut.
    const narrow = watchLines(last, 20);
    expect(narrow.every((line) => line.length <= 20)).toBe(true);
    expect(narrow.join(' ')).toBe('taken over by bob (from 198.51.100.4) (shift change) waiting: approve the reboot of kvm01?');
  });
});

describe('RunFollower and output files', () => {
  it('goes on where it was when a resume attaches to a command again, and never reads outside the run folder', () => {
    const run = recordedRun();
    writeFileSync(join(run.root, 'outside.txt'), 'O secret-outside\n');
    run.journal.append({ type: 'exec-start', at: 3, step: 'hello', effect: 1, command: 'x', output: '../../outside.txt', status_file: 's', pid_file: 'p' });
    run.journal.append({ type: 'exec-start', at: 3, step: 'hello', effect: 1, command: 'echo hi', output: 'steps/001-hello.out', status_file: 's', pid_file: 'p' });
    writeFileSync(run.folder.resolve('steps/001-hello.out'), 'O one\n');
    run.journal.append({ type: 'exec-end', at: 4, step: 'hello', effect: 1, exit_code: 0, timed_out: false, aborted: false, duration_ms: 1, output: { file: 'steps/001-hello.out', bytes: 1, sha256: 'x', lines: 1 } });
    run.journal.append({ type: 'exec-attach', at: 5, step: 'hello', effect: 1, output: 'steps/001-hello.out' });
    appendFileSync(run.folder.resolve('steps/001-hello.out'), 'O two\n');
    const output: string[] = [];
    const follower = new RunFollower(run.folder, run.initial, { state: () => {}, output: (_s, _stream, line) => output.push(line), progress: () => {} });
    follower.pump();
    expect(output).toEqual(['one', 'two']);
  });
});

describe('RunFollower and two-person approval', () => {
  it('shows a run waiting for approval as waiting for a second operator, and who answered', () => {
    const root = tempDir('patchwalk-follow-');
    const folder = new RunFolder(root, '20260101-120000-abce');
    mkdirSync(folder.stepsDir, { recursive: true });
    const runbook = runbookFrom(`runbook: 1\ntitle: Approved\nsteps:\n  - { id: up, title: Up, run: "echo x", approval: two-person }\n`);
    const journal = new JournalWriter(folder.journal);
    const observer = new JournalObserver(journal, new Secrets());
    const initial = initialState(runbook, { yes: false, dryRun: false, pauseToRead: false, pauseNotes: false, runId: folder.id, operator: 'alice' }, {});
    const started = reduce(initial, { type: 'start', at: 1 });
    observer.event({ type: 'start', at: 1 }, started, initial);
    observer.beforeEffect(started.effect!, started);
    const notes: string[] = [];
    const standings: WatchStanding[] = [];
    const follower = new RunFollower(folder, initial, { state: () => {}, output: () => {}, progress: (_s, text) => notes.push(text), standing: (standing) => standings.push(standing) });
    follower.pump();
    expect(notes).toContain('waiting for approval: step up "Up": runs: echo x');
    expect(standings.at(-1)?.waiting).toBe(`waiting for a second operator to approve: step up "Up": runs: echo x (patchwalk approve ${folder.id})`);
    journal.append({ type: 'approval-granted', at: 2, step: 'up', effect: started.effect!.id, request: 'r', summary: 's', approver: { user: 'bob', uid: 1001, ssh_client: '203.0.113.9', hostname: 'box', same_account: false }, reason: 'looks right' });
    follower.pump();
    expect(notes).toContain('approved by bob (from 203.0.113.9): looks right');
  });
});

describe('HandoverDetector', () => {
  it('notices only a handover from this process, after where it started reading', () => {
    const run = recordedRun();
    run.journal.append({ type: 'handover', at: 1, from: operator('alice', 1), to: operator('bob'), reason: 'old', live: true });
    const detector = new HandoverDetector(run.folder.journal, { pid: 4242, hostname: 'box' });
    expect(detector.check()).toBe(false);
    run.journal.append({ type: 'handover', at: 2, from: operator('carol', 9), to: operator('bob'), reason: 'not mine', live: true });
    expect(detector.check()).toBe(false);
    run.journal.append({ type: 'handover', at: 3, from: operator('alice'), to: operator('bob'), reason: 'mine', live: true });
    expect(detector.check()).toBe(true);
    expect(detector.found?.reason).toBe('mine');
    expect(detector.resumedAfter).toBe(false);
    run.journal.append({ type: 'resume', at: 4, operator: operator('bob'), runbook_changed: false });
    detector.check();
    expect(detector.resumedAfter).toBe(true);
  });

  it('a journal writer stopped after a handover writes nothing more', () => {
    const run = recordedRun();
    const before = readFileSync(run.folder.journal, 'utf8');
    run.journal.stopWriting();
    run.journal.append({ type: 'notice', at: 1, level: 'info', text: 'late' });
    expect(readFileSync(run.folder.journal, 'utf8')).toBe(before);
  });
});
