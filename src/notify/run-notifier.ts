// A run's notifier, from the runbook's `notify:` and the user's settings together: it follows the
// run's journal, notes failed sends in the journal (or on stderr once the journal is closed, and in
// line mode), and is given a bounded time to finish sending when the run ends.
import { parseDuration } from '../runbook/duration.js';
import type { JournalWriter } from '../journal/journal-writer.js';
import { NOTIFY_IDLE_DEFAULT_MS } from '../limits.js';
import type { RunState } from '../engine/types.js';
import { notifySettingsOf, type NotifySettingsSpec } from './notify-spec.js';
import { Notifier, type NotifyFailure } from './notifier.js';
import type { RunFacts } from './notify-events.js';
import { readSettings, SettingsProblem } from './user-settings.js';
import type { Deliver } from './deliver.js';

export interface RunNotifierSetup {
  state: RunState;
  journal: JournalWriter;
  facts: () => RunFacts;
  mask: (text: string) => string;
  stderr: NodeJS.WritableStream;
  /** Line mode: failures are also said on stderr (the console would be drawn over). */
  lineMode: boolean;
  /** The VMs not back as they were, asked when the run ends. */
  notBack: () => string[];
  env?: NodeJS.ProcessEnv;
  deliver?: Deliver;
}

export interface RunNotifier {
  notifier: Notifier;
  /** Waits a bounded time for queued notifications, then says how many were not sent. */
  finish(ms: number): Promise<void>;
}

/** The settings that apply: the runbook's targets and the user's, the runbook's idle first. */
export function effectiveSettings(state: RunState, env: NodeJS.ProcessEnv, warn: (text: string) => void): NotifySettingsSpec {
  const fromRunbook = notifySettingsOf(state.runbook.notify);
  let fromUser: NotifySettingsSpec = {};
  try {
    fromUser = readSettings(env).notify ?? {};
  } catch (error) {
    if (!(error instanceof SettingsProblem)) throw error;
    warn(`your settings are not used: ${error.message}`);
  }
  return { targets: [...(fromRunbook.targets ?? []), ...(fromUser.targets ?? [])], idle: fromRunbook.idle ?? fromUser.idle };
}

export function startRunNotifier(setup: RunNotifierSetup): RunNotifier | undefined {
  // A dry run or a rehearsal changes nothing, so nobody needs to hear of it: a rehearsed reboot
  // must not tell the on-call channel that a real host is going down.
  if (setup.state.options.dryRun || setup.state.options.rehearsal) return undefined;
  const say = (text: string) => {
    try {
      setup.stderr.write(`patchwalk: ${setup.mask(text)}\n`);
    } catch {
      // The terminal may be gone with the SSH session.
    }
  };
  const settings = effectiveSettings(setup.state, setup.env ?? process.env, say);
  if (!settings.targets?.length) return undefined;
  let journalOpen = true;
  const onFailure = (failure: NotifyFailure) => {
    const line = `notification "${failure.event}" to ${failure.target} failed (${failure.error}), attempt ${failure.attempt}${failure.final ? '; given up' : '; will retry'}`;
    if (journalOpen) {
      try {
        setup.journal.append({ type: 'notify-failed', at: Date.now(), ...failure });
      } catch {
        journalOpen = false;
      }
    }
    // On stderr the first failure and the giving up are enough; the journal keeps every attempt.
    if (!journalOpen || (setup.lineMode && (failure.attempt <= 1 || failure.final))) say(line);
  };
  const notifier = new Notifier({
    targets: settings.targets,
    idleMs: (settings.idle ? parseDuration(settings.idle) : undefined) ?? NOTIFY_IDLE_DEFAULT_MS,
    facts: setup.facts,
    mask: setup.mask,
    onFailure,
    deliver: setup.deliver,
    beforeEnd: () => setup.notBack().map((vm) => ({ event: 'vm-not-back' as const, vm, say: `${vm} is not back as it was before the run` })),
  });
  setup.journal.subscribe((records) => notifier.records(records));
  return {
    notifier,
    finish: async (ms) => {
      const unsent = await notifier.flush(ms);
      const left = notifier.unsent();
      notifier.close();
      // What never got through is journaled as given up on, so the report can name it.
      if (journalOpen && left.length > 0) {
        try {
          setup.journal.appendAll(left.map(({ event, target }) => ({ type: 'notify-failed', at: Date.now(), event, target, error: 'not sent before patchwalk exited', attempt: 0, final: true })));
        } catch {
          // Said on stderr below either way.
        }
      }
      journalOpen = false;
      if (unsent > 0) say(`${unsent} notification(s) could not be sent before patchwalk exits`);
    },
  };
}
