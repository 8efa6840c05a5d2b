// The journal's vocabulary: one JSON object per line, each with `type` and `at` (ms since the epoch).
// `event` records are the engine's input and rebuild the run on resume; the others are for people
// reading the file and for the report.
import type { Approver, EngineEvent, PlannedMoveState, RollingMember, StepStatus, VmState } from '../engine/types.js';
import type { OutputSummary } from '../exec/output-file.js';
import type { Operator } from './operator.js';
import type { HistoryFigures } from '../history/step-figures.js';

export const JOURNAL_VERSION = 1;

export interface OutputRef extends OutputSummary {
  file: string;
}

export type JournalRecord =
  | {
      type: 'run-start';
      at: number;
      v: number;
      run: string;
      runbook: { path: string; sha256: string; title: string; copy: string };
      /** Given with --set; secret ones masked. */
      params: Record<string, string>;
      secret_params: string[];
      options: { yes: boolean; dry_run: boolean; pause_notes?: boolean; pause_to_read?: boolean; guided?: boolean };
      operator: Operator;
      /** `run --rehearse`: simulated VMs, no command executed; a resume stays a rehearsal. */
      rehearsal?: boolean;
      /** A cluster runbook's members as resolved when the run started: resume takes the same ones. */
      members?: RollingMember[];
      /** Step medians of past runs the run was given (ETA, go/no-go); replayed as they were. */
      history?: HistoryFigures;
    }
  | { type: 'resume'; at: number; operator: Operator; runbook_changed: boolean }
  | { type: 'event'; at: number; event: EngineEvent; secret?: string; rejected?: boolean }
  | { type: 'step-start'; at: number; step: string; index: number; title: string }
  | { type: 'step-end'; at: number; step: string; status: StepStatus; exit_code?: number | null; duration_ms?: number; message?: string }
  | { type: 'exec-start'; at: number; step: string; effect: number; command: string; role?: 'verify'; output: string; status_file: string; pid_file: string }
  | { type: 'exec-attach'; at: number; step: string; effect: number; output: string }
  | { type: 'exec-cancelled'; at: number; step: string; effect: number; output: string; reason: string }
  | {
      type: 'exec-end';
      at: number;
      step: string;
      effect: number;
      exit_code: number | null;
      timed_out: boolean;
      aborted: boolean;
      error?: string;
      duration_ms: number;
      output: OutputRef;
    }
  | { type: 'effect-start'; at: number; step: string; effect: number; action: string; detail: string }
  | { type: 'prompt'; at: number; step: string; effect: number; kind: string; question: string }
  | { type: 'answer'; at: number; step: string; question: string; answer: string; by: string }
  | { type: 'vm-state'; at: number; vm: string; from: VmState | null; to: VmState }
  | { type: 'notice'; at: number; level: 'info' | 'warn'; text: string }
  | { type: 'interrupted'; at: number; signal: string; step?: string; left_running?: { pid?: number; output: string }; pid: number }
  | { type: 'lock'; at: number; action: 'taken' | 'taken-over' | 'released'; host: string; previous?: unknown }
  /** Once the params have values: the title as the operator saw it, and the host (a rehearsal takes no lock). */
  | { type: 'target'; at: number; title: string; host: string }
  | { type: 'torn-record'; at: number; bytes: number; line: number }
  /** Two-person approval: written before the run waits. `summary` is one line any watcher can show. */
  | {
      type: 'approval-requested';
      at: number;
      step: string;
      effect: number;
      /** The request's name: `patchwalk approve` answers it in runs/ID/approvals/<request>.<uid>.json. */
      request: string;
      title: string;
      summary: string;
      vms: string[];
      commands: string[];
      allow_same_account: boolean;
      /** Who waits: only another uid may approve, unless allow_same_account. */
      driver: Operator & { uid: number };
    }
  | { type: 'approval-granted'; at: number; step: string; effect: number; request: string; summary: string; approver: Approver; reason?: string }
  | { type: 'approval-denied'; at: number; step: string; effect: number; request: string; summary: string; approver: Approver; reason?: string }
  | { type: 'run-end'; at: number; phase: string; outcome?: string }
  /** A rolling: where every VM ran when the VMs were first listed, and the order the members are taken. */
  | { type: 'placement-before'; at: number; cluster: string; order: string[]; hosts: Record<string, string> }
  /** A drain's plan, as shown to the operator before anything moved. */
  | {
      type: 'placement-plan';
      at: number;
      member: string;
      step: string;
      moves: PlannedMoveState[];
      unmovable: { vm: string; why: string }[];
      unplaced: { vm: string; why: string }[];
      shortfall?: { memory_mib: number; vcpus: number };
    }
  /** A VM a drain or return moved by live migration. */
  | { type: 'vm-moved'; at: number; vm: string; from: string; to: string; step: string }
  /** A notification could not be delivered (after its last attempt, or it is being retried). */
  | { type: 'notify-failed'; at: number; event: string; target: string; error: string; attempt: number; final: boolean }
  /** `resume --take-over`: who took the run from whom, and why; `live` when the previous driver was still at it. */
  | { type: 'handover'; at: number; from: Operator; to: Operator; reason: string; live: boolean };

export type RecordOf<T extends JournalRecord['type']> = Extract<JournalRecord, { type: T }>;
