// The console: header, step list, current step, output or VM table, prompt, and the keys that
// work right now. It draws the run store's state through the display model; the arithmetic is in
// layout.ts and what the operator did to the view (overlays, scrolling, search) in console-state.ts.
import { Box, Text } from 'ink';
import { useEffect, useMemo, useReducer, useState } from 'react';
import { colourDisabled } from '../display/colour.js';
import { printable } from '../display/printable.js';
import { describeStep, runbookTitle, stepTitles } from '../display/step-text.js';
import { isFinished } from '../engine/engine.js';
import { withParamDefaults } from '../engine/context.js';
import type { PromptAnswer } from '../engine/types.js';
import { consoleReducer, firstVisibleLine, initialConsoleState, showsVms, type Overlay } from './console-state.js';
import { Footer } from './Footer.js';
import { Header } from './Header.js';
import { HelpOverlay } from './HelpOverlay.js';
import { useLatestInput } from './hooks/use-latest-input.js';
import { useRunVersion } from './hooks/use-run-store.js';
import { useVmPlan, withTicks } from './hooks/use-vm-plan.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { commandFor, type KeyCommand, type KeyContext } from './keymap.js';
import { consoleLayout } from './layout.js';
import { OutputPane } from './OutputPane.js';
import { PromptView, promptHeight, promptKeys } from './PromptView.js';
import type { RunStore } from './run-store.js';
import type { ConsoleDriver } from './run-console.js';
import { StepDetail, stepDetailHeight } from './StepDetail.js';
import { StepList } from './StepList.js';
import { RollingPane } from './RollingPane.js';
import { Summary, summaryRows } from './Summary.js';
import { visibleVmRows, VmTable } from './VmTable.js';
import { questionRows } from './prompts/Question.js';
import { TextField } from './prompts/TextField.js';
import { watchLines } from './watch-lines.js';
import { driverName } from '../watch/run-follower.js';

interface Props {
  store: RunStore;
  driver: ConsoleDriver;
  training: boolean;
  onExit: () => void;
}

export function App({ store, driver, training, onExit }: Props) {
  useRunVersion(store);
  const { columns, rows } = useTerminalSize();
  const run = store.run;
  const [ui, dispatch] = useReducer(consoleReducer, run.cursor, initialConsoleState);
  const [ticked, setTicked] = useState<{ id: number; names: Set<string> } | undefined>(undefined);
  const noColour = useMemo(() => colourDisabled(), []);

  const shown = run.phase === 'params' ? withParamDefaults(run) : run;
  const open = store.prompt;
  const watching = store.watching;
  const watchText = (width: number) => (watching ? watchLines(watching, width) : []);
  const finished = isFinished(run);
  const overlay = ui.overlay;
  const current = describeStep(shown, run.cursor);
  const titles = useMemo(() => stepTitles(shown), [shown]);

  const vmPlan = useVmPlan(run);
  const openTicks = open?.prompt.kind === 'select-vms' && ticked?.id === open.id ? ticked.names : undefined;
  const plans = useMemo(
    () => (open?.prompt.kind === 'select-vms' ? withTicks(vmPlan.plans, open.prompt.options, openTicks) : vmPlan.plans),
    [vmPlan.plans, open, openTicks],
  );

  const layout = consoleLayout({
    columns,
    rows,
    finished,
    inSteps: run.phase === 'steps',
    detailShare: current?.detailShare ?? 3,
    detailRows: (width) => stepDetailHeight(shown, run.cursor, width),
    promptRows: (width) => (overlay === 'search' ? 1 : watching ? watchText(width).length : promptHeight(open?.prompt, width)),
    summaryRows: summaryRows(run),
  });
  const { width, height, bodyHeight, sidebarWidth, mainWidth, detailHeight, paneHeight, promptHeight: promptRows, summaryHeight } = layout;

  const vmsAutomatically = plans.length > 0 && (open?.prompt.kind === 'select-vms' || (current?.vmTable === true && !finished));
  const showVms = showsVms(ui, run.cursor, vmsAutomatically);
  const vmRows = visibleVmRows(paneHeight);

  // A new step follows its own output, and the last step's search is forgotten.
  useEffect(() => dispatch({ type: 'step', step: run.cursor }), [run.cursor]);
  // A new command puts the pane back to following.
  const commandId = run.effect?.type === 'exec' ? run.effect.id : undefined;
  useEffect(() => {
    if (commandId !== undefined) dispatch({ type: 'command' });
  }, [commandId]);
  // A question about one VM brings its row into view.
  const askedVm = run.awaiting?.purpose === 'step' ? run.awaiting.vm : undefined;
  useEffect(() => {
    const index = askedVm === undefined ? undefined : vmPlan.index.get(askedVm);
    if (index !== undefined) dispatch({ type: 'focus-vm', index, vmRows });
  }, [askedVm, vmPlan.index, vmRows]);

  // Text fields take every printable key; a y/n question or a list leaves /, ?, v and q working.
  const textual = open?.prompt.kind === 'input' || open?.prompt.kind === 'type-to-confirm';
  const choosing = open?.prompt.kind === 'choice' || open?.prompt.kind === 'select-vms' || open?.prompt.kind === 'confirm' || open?.prompt.kind === 'go-no-go';
  const context: KeyContext = overlay !== 'none' ? 'overlay' : finished ? 'finished' : textual ? 'typing' : choosing ? 'choosing' : 'browse';

  const answer = (value: PromptAnswer) => store.answer(value);
  // Output arrives between renders of the console (the pane redraws on its own): read its length
  // at the moment of the key, not from the last render.
  const outputLength = () => store.log.length;
  const outputRows = Math.max(1, paneHeight - 1);

  const findMatch = (term: string, direction: 'older' | 'newer') => {
    const total = outputLength();
    const from = ui.view.match ?? (ui.view.follow ? total : firstVisibleLine(ui.view, total, outputRows) + outputRows);
    const line = direction === 'older' ? store.log.searchBackward(term, from) : store.log.searchForward(term, from);
    dispatch(line < 0 ? { type: 'not-found', term, direction } : { type: 'found', term, line, outputRows });
  };

  useLatestInput((input, key) => {
    const command = commandFor(input, key, context);
    if (!command) return;
    // A watcher changes nothing: q and Ctrl-C leave at once (nothing is at stake), Enter does nothing.
    if (watching && (command === 'quit' || command === 'interrupt' || command === 'continue')) {
      if (command !== 'continue' || finished) onExit();
      return;
    }
    switch (command) {
      case 'interrupt':
        // Ctrl-C is q: the quit question, whose default keeps the run resumable.
        if (finished) onExit();
        else driver.requestQuit();
        return;
      case 'continue':
        if (finished) onExit();
        else if (open?.prompt.kind === 'continue') answer(true);
        return;
      case 'quit':
        if (finished) onExit();
        else driver.requestQuit();
        return;
      case 'help':
        dispatch({ type: 'overlay', overlay: 'help' });
        return;
      case 'close':
        dispatch({ type: 'overlay', overlay: 'none' });
        return;
      case 'search':
        dispatch({ type: 'overlay', overlay: 'search' });
        return;
      case 'nextMatch':
      case 'previousMatch':
        if (ui.view.term) findMatch(ui.view.term, command === 'nextMatch' ? 'older' : 'newer');
        return;
      case 'toggleVms':
        dispatch({ type: 'toggle-vms', show: !showVms });
        return;
      default:
        dispatch({ type: 'scroll', command, frame: { showVms, total: outputLength(), outputRows, vmCount: plans.length, vmRows } });
    }
  });

  // A rolling's question (next host, the drain's plan, a shortfall, a failed migration) shows the cluster.
  const rollingAsks = Boolean(run.rolling) && run.awaiting?.purpose === 'rolling' && !finished && ui.vmChoice?.step !== run.cursor;
  const pane = (paneRows: number) =>
    rollingAsks ? (
      <RollingPane run={run} width={mainWidth} height={paneRows} />
    ) : showVms ? (
      <VmTable plans={plans} running={vmPlan.running} live={vmPlan.live} top={ui.vmTop} height={paneRows} width={mainWidth} cluster={Boolean(run.rolling)} />
    ) : (
      <OutputPane store={store} view={ui.view} width={mainWidth} height={paneRows} noColour={noColour} />
    );

  const main = () => {
    if (overlay === 'help') return <HelpOverlay width={mainWidth} height={finished ? bodyHeight : paneHeight} />;
    if (finished) {
      return (
        <>
          <Summary run={run} width={mainWidth} height={summaryHeight} />
          {pane(paneHeight)}
        </>
      );
    }
    return pane(paneHeight);
  };

  const bottom = () => {
    if (overlay === 'search') {
      return (
        <Box>
          <Text color="cyan">/</Text>
          <TextField
            isActive
            onSubmit={(term) => {
              dispatch({ type: 'overlay', overlay: 'none' });
              if (term) findMatch(term, 'older');
            }}
          />
        </Box>
      );
    }
    if (watching) {
      return watchText(mainWidth).map((line, index) => (
        <Text key={index} color={watching.handover && line.startsWith('taken over') ? 'magenta' : 'yellow'} wrap="truncate-end">
          {line}
        </Text>
      ));
    }
    if (open && !finished) {
      return (
        <PromptView
          id={open.id}
          prompt={open.prompt}
          height={promptRows}
          width={mainWidth}
          isActive={overlay === 'none'}
          onAnswer={answer}
          onTicked={(names) => setTicked({ id: open.id, names: new Set(names) })}
          onQuit={() => driver.requestQuit()}
          onCursor={(name) => {
            // The VM table follows the cursor of the list of VMs being asked about.
            const index = vmPlan.index.get(name);
            if (index !== undefined) dispatch({ type: 'focus-vm', index, vmRows });
          }}
        />
      );
    }
    return null;
  };

  const footerHidden: KeyCommand[] = [];
  if (!ui.view.term) footerHidden.push('nextMatch', 'previousMatch');
  if (open?.prompt.kind !== 'continue' && !finished) footerHidden.push('continue');
  if (finished) footerHidden.push('continue', 'quit');
  const footerExtra = watching
    ? [{ keys: '', hint: `watching · driven by ${printable(driverName(watching.driver))}` }, ...(finished ? [{ keys: 'Enter/q', hint: 'exit' }] : [])]
    : finished
      ? [{ keys: 'Enter/q', hint: 'exit' }]
      : open?.prompt.kind === 'continue'
        ? []
        : promptKeys(open?.prompt);
  if (watching && !finished) footerHidden.push('continue');
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Header run={shown} title={titles.length ? runbookTitle(shown) : ''} training={training} width={width} />
      <Box height={bodyHeight} overflow="hidden">
        {sidebarWidth ? (
          <Box width={sidebarWidth + 1} borderStyle="single" borderTop={false} borderBottom={false} borderLeft={false} borderDimColor>
            <StepList run={run} titles={titles} width={sidebarWidth} height={bodyHeight} />
          </Box>
        ) : null}
        <Box flexDirection="column" width={mainWidth} height={bodyHeight} overflow="hidden">
          {detailHeight ? <StepDetail run={shown} index={run.cursor} width={mainWidth} height={detailHeight} /> : null}
          {main()}
          <Box height={promptRows} overflow="hidden" flexDirection="column">
            {bottom()}
          </Box>
        </Box>
      </Box>
      <Footer context={context} extra={ui.searchNote ? [{ keys: '', hint: ui.searchNote }, ...footerExtra] : footerExtra} hide={footerHidden} width={width} />
    </Box>
  );
}
