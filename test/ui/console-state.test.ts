import { describe, expect, it } from 'vitest';
import { consoleReducer, initialConsoleState, showsVms, type ConsoleState, type ScrollFrame } from '../../src/ui/console-state.js';

const OUTPUT: ScrollFrame = { showVms: false, total: 1000, outputRows: 10, vmCount: 0, vmRows: 0 };
const VMS: ScrollFrame = { showVms: true, total: 0, outputRows: 10, vmCount: 5000, vmRows: 20 };

const run = (state: ConsoleState, ...actions: Parameters<typeof consoleReducer>[1][]) => actions.reduce(consoleReducer, state);

describe('console state', () => {
  it('pages the output back from following, and End follows again', () => {
    let state = run(initialConsoleState(), { type: 'scroll', command: 'pageUp', frame: OUTPUT });
    expect(state.view).toEqual({ follow: false, top: 980 });
    state = run(state, { type: 'scroll', command: 'pageDown', frame: OUTPUT });
    expect(state.view.follow).toBe(true);
    state = run(state, { type: 'scroll', command: 'lineUp', frame: OUTPUT }, { type: 'scroll', command: 'follow', frame: OUTPUT });
    expect(state.view).toEqual({ follow: true, top: 0, term: undefined });
  });

  it('pages the VM table within its VMs', () => {
    let state = run(initialConsoleState(), { type: 'scroll', command: 'pageDown', frame: VMS }, { type: 'scroll', command: 'pageDown', frame: VMS });
    expect(state.vmTop).toBe(40);
    state = run(state, { type: 'scroll', command: 'pageUp', frame: VMS }, { type: 'scroll', command: 'pageUp', frame: VMS }, { type: 'scroll', command: 'lineUp', frame: VMS });
    expect(state.vmTop).toBe(0);
  });

  it('a search hit shows the output around it; a miss says so until the step changes', () => {
    let state = run(initialConsoleState(2), { type: 'found', term: 'error', line: 500, outputRows: 10 });
    expect(state.view).toEqual({ follow: false, top: 495, match: 500, term: 'error' });
    expect(showsVms(state, 2, true)).toBe(false);
    state = run(state, { type: 'not-found', term: 'error', direction: 'older' });
    expect(state.searchNote).toBe('no earlier line contains "error"');
    state = run(state, { type: 'step', step: 3 });
    expect(state.searchNote).toBeUndefined();
    expect(state.view).toEqual({ follow: true, top: 0 });
    expect(showsVms(state, 3, true)).toBe(true);
  });

  it('a new command puts the pane back to following, keeping the search term for n', () => {
    const state = run(initialConsoleState(), { type: 'found', term: 'warn', line: 10, outputRows: 10 }, { type: 'command' });
    expect(state.view).toEqual({ follow: true, top: 0, term: 'warn' });
  });

  it('the choice of VM table or output holds for its own step', () => {
    const state = run(initialConsoleState(1), { type: 'toggle-vms', show: false });
    expect(showsVms(state, 1, true)).toBe(false);
    expect(showsVms(run(state, { type: 'step', step: 2 }), 2, true)).toBe(true);
  });

  it('brings the VM asked about into view, and leaves the table alone when it is in view', () => {
    const state = run(initialConsoleState(), { type: 'focus-vm', index: 4321, vmRows: 20 });
    expect(state.vmTop).toBe(4311);
    expect(run(state, { type: 'focus-vm', index: 4320, vmRows: 20 })).toBe(state);
  });

  it('opens and closes overlays', () => {
    const state = run(initialConsoleState(), { type: 'overlay', overlay: 'help' });
    expect(state.overlay).toBe('help');
    expect(run(state, { type: 'overlay', overlay: 'none' }).overlay).toBe('none');
  });
});
