// Decisions live beside the journal, one file per approver and request:
// runs/ID/approvals/<request>.<uid>.json. The approver cannot safely write the driver's journal,
// and a shared append-only file could not say who wrote a line; a file's owner can. So the driver
// trusts the owner uid of each file (which no group member can forge), never the uid written in it.
// In a group-shared state dir the folder is made setgid and sticky (3770): every member can add a
// decision, and none can remove or replace another's.
import { chmodSync, closeSync, fchmodSync, existsSync, fstatSync, fsyncSync, linkSync, openSync, readdirSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Approver } from '../engine/types.js';
import { APPROVAL_FILE_MAX_BYTES, APPROVAL_REASON_MAX_CHARS, APPROVER_NAME_MAX_CHARS } from '../limits.js';
import type { RunFolder } from '../journal/run-folder.js';
import { isSharedState, makeDir, writing } from '../journal/state-io.js';

export const DecisionSchema = z.strictObject({
  v: z.literal(1),
  request: z.string().regex(/^\d{3,}-[a-z0-9][a-z0-9_-]*$/),
  decision: z.enum(['granted', 'denied']),
  user: z.string().max(256),
  uid: z.number().int().min(0),
  ssh_client: z.string().max(256).nullable(),
  hostname: z.string().max(256),
  pid: z.number().int(),
  at: z.number(),
  reason: z.string().max(APPROVAL_REASON_MAX_CHARS).optional(),
  same_account: z.boolean(),
  name: z.string().min(1).max(APPROVER_NAME_MAX_CHARS).optional(),
});

export type Decision = z.infer<typeof DecisionSchema>;

export const approvalsDir = (folder: RunFolder) => join(folder.dir, 'approvals');

const decisionFile = (folder: RunFolder, request: string, uid: number) => join(approvalsDir(folder), `${request}.${uid}.json`);

/** The driver makes the folder when it first asks, so the driver's account owns it. */
export function prepareApprovalsDir(folder: RunFolder): void {
  const dir = approvalsDir(folder);
  makeDir(dir);
  if (isSharedState()) writing(dir, () => chmodSync(dir, 0o3770));
}

const DECISION_MODE = 0o640;

export class DecisionExists extends Error {}

/** Writes the approver's decision, once: a second decision by the same account is refused. */
export function writeDecision(folder: RunFolder, decision: Decision): string {
  const file = decisionFile(folder, decision.request, decision.uid);
  // Written whole under a name the driver ignores, then linked into place: the driver never reads
  // half a decision, and link() fails if this account has already answered.
  const temporary = join(approvalsDir(folder), `.tmp-${decision.request}.${decision.uid}.${process.pid}`);
  writing(file, () => {
    const fd = openSync(temporary, 'wx', DECISION_MODE);
    try {
      fchmodSync(fd, DECISION_MODE); // open's mode is cut by the umask; the driver must be able to read it
      fsyncWrite(fd, `${JSON.stringify(decision)}\n`);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(temporary, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new DecisionExists(`you have already answered this request (${file})`);
      throw error;
    } finally {
      rmSync(temporary, { force: true });
    }
  });
  return file;
}

function fsyncWrite(fd: number, text: string): void {
  const buffer = Buffer.from(text);
  let written = 0;
  while (written < buffer.length) written += writeSync(fd, buffer, written);
  fsyncSync(fd);
}

export interface FoundDecision {
  decision: Decision;
  /** The file's owner: who really wrote it. */
  ownerUid: number;
}

export interface RejectedDecision {
  file: string;
  why: string;
}

/** Reads one decision file, bounded, checking that its owner is who it claims to be. */
function readDecision(file: string): FoundDecision | RejectedDecision {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    return { file, why: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { file, why: 'is not a regular file' };
    if (stats.size > APPROVAL_FILE_MAX_BYTES) return { file, why: `is larger than ${APPROVAL_FILE_MAX_BYTES} bytes` };
    const buffer = Buffer.alloc(stats.size);
    let read = 0;
    while (read < buffer.length) {
      const count = readSync(fd, buffer, read, buffer.length - read, read);
      if (count === 0) break;
      read += count;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(buffer.subarray(0, read).toString('utf8'));
    } catch {
      return { file, why: 'is not JSON (still being written?)' };
    }
    const result = DecisionSchema.safeParse(parsed);
    if (!result.success) return { file, why: 'is not a decision patchwalk wrote' };
    if (result.data.uid !== stats.uid) return { file, why: `claims uid ${result.data.uid} but belongs to uid ${stats.uid}` };
    return { decision: result.data, ownerUid: stats.uid };
  } finally {
    closeSync(fd);
  }
}

/** Every decision file for one request, in the order they were made. */
export function decisionsFor(folder: RunFolder, request: string): { found: FoundDecision[]; rejected: RejectedDecision[] } {
  const dir = approvalsDir(folder);
  const found: FoundDecision[] = [];
  const rejected: RejectedDecision[] = [];
  if (!existsSync(dir)) return { found, rejected };
  const pattern = /^(\d{3,}-[a-z0-9][a-z0-9_-]*)\.(\d+)\.json$/;
  for (const name of readdirSync(dir)) {
    const match = pattern.exec(name);
    if (!match || match[1] !== request) continue;
    const result = readDecision(join(dir, name));
    if ('why' in result) rejected.push(result);
    else if (String(result.ownerUid) !== match[2]) rejected.push({ file: name, why: `is named for uid ${match[2]} but belongs to uid ${result.ownerUid}` });
    else if (result.decision.request !== request) rejected.push({ file: name, why: 'answers another request' });
    else found.push(result);
  }
  found.sort((a, b) => a.decision.at - b.decision.at);
  return { found, rejected };
}

/** The approver as the journal records them. */
export function approverOf(found: FoundDecision): Approver {
  const { decision } = found;
  return {
    user: decision.user,
    uid: found.ownerUid,
    ssh_client: decision.ssh_client,
    hostname: decision.hostname,
    same_account: decision.same_account,
    ...(decision.name ? { name: decision.name } : {}),
  };
}
