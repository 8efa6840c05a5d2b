// What the operator has done to the console, apart from the run: the open overlay, where the
// output and the VM table are scrolled, and the search. A pure reducer, tested without Ink.
import type { KeyCommand } from './keymap.js';

export type Overlay = 'none' | 'help' | 'search';

export interface OutputView {
  /** Follow the newest lines; otherwise `top` is the first line shown. */
  follow: boolean;
  top: number;
  /** A search hit to highlight. */
  match?: number;
  term?: string;
}

export interface ConsoleState {
  overlay: Overlay;
  view: OutputView;
  /** The operator's choice of VM table or output holds for the step it was made in. */
  vmChoice?: { step: number; show: boolean };
  vmTop: number;
  /** A search that found nothing says so in the footer until the next search or step. */
  searchNote?: string;
  /** The step the state belongs to: a new step resets what belonged to the last one. */
  step: number;
}

export const initialConsoleState = (step = 0): ConsoleState => ({ overlay: 'none', view: { follow: true, top: 0 }, vmTop: 0, step });

/** What a scroll needs to know of the screen at the moment of the key. */
export interface ScrollFrame {
  showVms: boolean;
  /** Output lines in the log, and rows the output pane shows. */
  total: number;
  outputRows: number;
  /** VMs in the table, and rows the table shows. */
  vmCount: number;
  vmRows: number;
}

export type ConsoleAction =
  | { type: 'overlay'; overlay: Overlay }
  | { type: 'scroll'; command: Extract<KeyCommand, 'lineUp' | 'lineDown' | 'pageUp' | 'pageDown' | 'follow'>; frame: ScrollFrame }
  | { type: 'found'; term: string; line: number; outputRows: number }
  | { type: 'not-found'; term: string; direction: 'older' | 'newer' }
  | { type: 'toggle-vms'; show: boolean }
  /** The run moved to another step: follow its output, forget the last step's search and choice. */
  | { type: 'step'; step: number }
  /** A command started: its output is what the operator wants to see. */
  | { type: 'command' }
  /** A prompt asks about this VM (its row in the table): bring it into view. */
  | { type: 'focus-vm'; index: number; vmRows: number };

export function firstVisibleLine(view: OutputView, total: number, rows: number): number {
  if (view.follow) return Math.max(0, total - rows);
  return Math.max(0, Math.min(view.top, Math.max(0, total - rows)));
}

const clamp = (value: number, low: number, high: number) => Math.max(low, Math.min(high, value));

function scrolled(state: ConsoleState, command: Extract<ConsoleAction, { type: 'scroll' }>['command'], frame: ScrollFrame): ConsoleState {
  if (frame.showVms && command !== 'follow') {
    const page = frame.vmRows;
    const delta = { lineUp: -1, lineDown: 1, pageUp: -page, pageDown: page }[command];
    const vmTop = clamp(state.vmTop + delta, 0, Math.max(0, frame.vmCount - page));
    return vmTop === state.vmTop ? state : { ...state, vmTop };
  }
  if (command === 'follow') return { ...state, view: { follow: true, top: 0, term: state.view.term } };
  const { total, outputRows } = frame;
  const first = firstVisibleLine(state.view, total, outputRows);
  const delta = { lineUp: -1, lineDown: 1, pageUp: -outputRows, pageDown: outputRows }[command];
  const top = clamp(first + delta, 0, Math.max(0, total - outputRows));
  return { ...state, view: { ...state.view, follow: top >= total - outputRows, top } };
}

export function consoleReducer(state: ConsoleState, action: ConsoleAction): ConsoleState {
  switch (action.type) {
    case 'overlay':
      return state.overlay === action.overlay ? state : { ...state, overlay: action.overlay };
    case 'scroll':
      return scrolled(state, action.command, action.frame);
    case 'found':
      return {
        ...state,
        searchNote: undefined,
        vmChoice: { step: state.step, show: false },
        view: { follow: false, top: Math.max(0, action.line - Math.floor(action.outputRows / 2)), match: action.line, term: action.term },
      };
    case 'not-found':
      return { ...state, searchNote: `no ${action.direction === 'older' ? 'earlier' : 'later'} line contains "${action.term}"` };
    case 'toggle-vms':
      return { ...state, vmChoice: { step: state.step, show: action.show } };
    case 'step':
      if (action.step === state.step) return state;
      return { ...state, step: action.step, view: { follow: true, top: 0 }, searchNote: undefined, vmChoice: undefined };
    case 'command':
      return state.view.follow && state.view.match === undefined ? state : { ...state, view: { follow: true, top: 0, term: state.view.term } };
    case 'focus-vm': {
      const { index, vmRows } = action;
      if (index >= state.vmTop && index < state.vmTop + vmRows) return state;
      return { ...state, vmTop: Math.max(0, index - Math.floor(vmRows / 2)) };
    }
  }
}

/** Whether the VM table shows instead of the output, given what the step shows on its own. */
export function showsVms(state: ConsoleState, step: number, automatically: boolean): boolean {
  return state.vmChoice?.step === step ? state.vmChoice.show : automatically;
}
