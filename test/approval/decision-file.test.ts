// The driver believes a decision file's owner, never what the file says: a forged uid, a decision
// by the driver's own account without allow_same_account, or a half-written file does not count.
import { chownSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitForDecision } from '../../src/approval/approval-wait.js';
import { approvalsDir, decisionsFor, DecisionExists, prepareApprovalsDir, writeDecision, type Decision } from '../../src/approval/decision-file.js';
import type { Effect } from '../../src/engine/types.js';
import { RunFolder } from '../../src/journal/run-folder.js';
import { tempDir } from '../helpers/cli.js';

const me = process.getuid?.() ?? 0;
const asRoot = me === 0;
const OTHER = 65534;

function folder(): RunFolder {
  const run = new RunFolder(join(tempDir('patchwalk-decisions-'), 'state'), '20260101-120000-ab12');
  run.create();
  prepareApprovalsDir(run);
  return run;
}

const effect = (allowSameAccount: boolean): Extract<Effect, { type: 'approval' }> => ({
  type: 'approval',
  id: 2,
  stepId: 'hello',
  request: { step: 'hello', title: 'Hello', summary: 's', vms: [], commands: [], allowSameAccount },
});

const decision = (extra: Partial<Decision> = {}): Decision => ({
  v: 1,
  request: '002-hello',
  decision: 'granted',
  user: 'bob',
  uid: me,
  ssh_client: null,
  hostname: 'h',
  pid: 1,
  at: 1,
  same_account: false,
  ...extra,
});

describe('decision files', () => {
  it('one per account and request: a second answer by the same account is refused', () => {
    const run = folder();
    writeDecision(run, decision());
    expect(() => writeDecision(run, decision({ decision: 'denied' }))).toThrow(DecisionExists);
    expect(decisionsFor(run, '002-hello').found.map((found) => found.decision.decision)).toEqual(['granted']);
  });

  it('a file that is not a whole decision is set aside, with why', () => {
    const run = folder();
    writeFileSync(join(approvalsDir(run), `002-hello.${me}.json`), '{"v":1,');
    expect(decisionsFor(run, '002-hello')).toMatchObject({ found: [], rejected: [{ why: 'is not JSON (still being written?)' }] });
  });

  it('the driver\'s own account does not count without allow_same_account, and with it only with a typed name', async () => {
    const run = folder();
    writeDecision(run, decision());
    const ignored: string[] = [];
    const controller = new AbortController();
    const waiting = waitForDecision(run, effect(false), { driverUid: me, signal: controller.signal, onIgnored: (text) => ignored.push(text) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    expect(await waiting).toBeUndefined();
    expect(ignored).toEqual([`ignored the approval by bob: uid ${me} drives this run and cannot approve it (self-approval)`]);

    const named = folder();
    writeDecision(named, decision({ same_account: true, name: 'Alice' }));
    const answer = await waitForDecision(named, effect(true), { driverUid: me, signal: new AbortController().signal });
    expect(answer).toEqual({ decision: 'granted', approver: { user: 'bob', uid: me, ssh_client: null, hostname: 'h', same_account: true, name: 'Alice' } });
  });

  it.runIf(asRoot)('a file that claims another uid than its owner\'s is a forgery and never counts', async () => {
    const run = folder();
    // Written by uid 65534, claiming to be root's: named and filled in as root's.
    const file = writeDecision(run, decision({ uid: me }));
    chownSync(file, OTHER, OTHER);
    expect(decisionsFor(run, '002-hello').rejected[0]?.why).toBe(`claims uid ${me} but belongs to uid ${OTHER}`);
    // A genuine answer by another account counts, whoever drives.
    const other = folder();
    const genuine = writeDecision(other, decision({ uid: OTHER }));
    chownSync(genuine, OTHER, OTHER);
    const answer = await waitForDecision(other, effect(false), { driverUid: me, signal: new AbortController().signal });
    expect(answer?.approver).toMatchObject({ uid: OTHER, same_account: false });
  });
});
