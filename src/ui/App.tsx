// The console: header, step list, current step, output or VM table, prompt, and the keys that
// work right now. It draws the run store's state and turns keys into answers and commands.
import { TextInput } from '@inkjs/ui';
import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import { isFinished } from '../engine/engine.js';
import { scopeFor, withParamDefaults } from '../engine/context.js';
import { livePlan } from '../engine/vm-plan.js';
import type { PromptAnswer } from '../engine/types.js';
import { SIDEBAR_MAX_WIDTH, SIDEBAR_MIN_WIDTH } from '../limits.js';
import { Footer } from './Footer.js';
import { Header } from './Header.js';
import { HelpOverlay } from './HelpOverlay.js';
import { useRunVersion } from './hooks/use-run-store.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { commandFor, type KeyCommand, type KeyContext } from './keymap.js';
import { firstVisibleLine, OutputPane, type OutputView } from './OutputPane.js';
import { PromptView, promptHeight, promptKeys } from './PromptView.js';
import type { RunStore } from './run-store.js';
import type { ConsoleDriver } from './run-console.js';
import { StepDetail, stepDetailHeight } from './StepDetail.js';
import { StepList } from './StepList.js';
import { Summary } from './Summary.js';
import { visibleVmRows, VmTable } from './VmTable.js';
import { ConfirmPrompt } from './prompts/ConfirmPrompt.js';

type Overlay = 'none' | 'help' | 'search' | 'quit' | 'interrupt';

interface Props {
  store: RunStore;
  driver: ConsoleDriver;
  training: boolean;
  onExit: () => void;
}

const VM_KINDS = new Set(['vms', 'shutdown', 'migrate', 'start']);

function safeText(render: () => string, fallback: string): string {
  try {
    return render();
  } catch {
    return fallback;
  }
}

export function App({ store, driver, training, onExit }: Props) {
  useRunVersion(store);
  const { columns, rows } = useTerminalSize();
  const [overlay, setOverlay] = useState<Overlay>('none');
  const [view, setView] = useState<OutputView>({ follow: true, top: 0 });
  // The operator's choice of VM table or output holds for the step it was made in.
  const [vmChoice, setVmChoice] = useState<{ step: number; show: boolean } | undefined>(undefined);
  const [vmTop, setVmTop] = useState(0);
  const [searchNote, setSearchNote] = useState<string | undefined>(undefined);

  const run = store.run;
  const shown = run.phase === 'params' ? withParamDefaults(run) : run;
  const open = store.prompt;
  const finished = isFinished(run);
  const scope = scopeFor(shown);
  const titles = run.runbook.steps.map((step) => safeText(() => scope.text(step.title), step.title));
  const currentKind = run.steps[run.cursor]?.kind;

  // Rule one of the console: the frame never reaches the terminal's height (Ink would clear the
  // screen and the scrollback on every redraw), so every pane is sized from the rows.
  const height = Math.max(6, rows - 1);
  const width = Math.max(20, columns);
  const bodyHeight = height - 3;
  const sidebarWidth = width >= 70 ? Math.min(SIDEBAR_MAX_WIDTH, Math.max(SIDEBAR_MIN_WIDTH, Math.floor(width / 4))) : 0;
  const mainWidth = width - sidebarWidth - (sidebarWidth ? 1 : 0);
  // A note is the step's whole content, so it may take half the height; others keep to a third.
  const detailCap = Math.max(2, Math.floor(bodyHeight / (currentKind === 'note' ? 2 : 3)));
  const detailHeight = finished || run.phase !== 'steps' ? 0 : Math.min(detailCap, stepDetailHeight(shown, run.cursor, mainWidth));
  const promptRows = finished ? 0 : overlay === 'search' || overlay === 'quit' || overlay === 'interrupt' ? 1 : promptHeight(open?.prompt, Math.max(2, Math.floor(bodyHeight / 3)));
  const paneHeight = finished ? bodyHeight - Math.min(Math.floor(bodyHeight / 2), 4 + (run.vmsBefore?.length ?? 0)) : Math.max(2, bodyHeight - detailHeight - promptRows);

  const plans = livePlan(run);
  const vmsAutomatically = plans.length > 0 && (open?.prompt.kind === 'select-vms' || (currentKind !== undefined && VM_KINDS.has(currentKind) && !finished));
  const showVms = vmChoice?.step === run.cursor ? vmChoice.show : vmsAutomatically;

  // Text fields take every printable key; a y/n question or a list leaves /, ?, v and q working.
  const textual = open?.prompt.kind === 'input' || open?.prompt.kind === 'type-to-confirm';
  const choosing = open?.prompt.kind === 'choice' || open?.prompt.kind === 'select-vms' || open?.prompt.kind === 'confirm';
  const context: KeyContext = overlay !== 'none' ? 'overlay' : finished ? 'finished' : textual ? 'typing' : choosing ? 'choosing' : 'browse';

  const answer = (value: PromptAnswer) => store.answer(value);
  const total = store.log.length;
  const outputRows = Math.max(1, paneHeight - 1);

  const scroll = (command: KeyCommand) => {
    if (showVms && (command === 'lineUp' || command === 'lineDown' || command === 'pageUp' || command === 'pageDown')) {
      const page = visibleVmRows(paneHeight);
      const delta = command === 'lineUp' ? -1 : command === 'lineDown' ? 1 : command === 'pageUp' ? -page : page;
      setVmTop((top) => Math.max(0, Math.min(plans.length - page, top + delta)));
      return;
    }
    const first = firstVisibleLine(view, total, outputRows);
    const delta = { lineUp: -1, lineDown: 1, pageUp: -outputRows, pageDown: outputRows }[command as 'lineUp'];
    if (command === 'follow') {
      setView({ follow: true, top: 0 });
      return;
    }
    const top = Math.max(0, Math.min(total - outputRows, first + delta));
    setView({ ...view, follow: top >= total - outputRows, top });
  };

  const findMatch = (term: string, direction: 'older' | 'newer') => {
    const from = view.match ?? (view.follow ? total : firstVisibleLine(view, total, outputRows) + outputRows);
    const line = direction === 'older' ? store.log.searchBackward(term, from) : store.log.searchForward(term, from);
    if (line < 0) {
      setSearchNote(`no ${direction === 'older' ? 'earlier' : 'later'} line contains "${term}"`);
      return;
    }
    setSearchNote(undefined);
    setVmChoice({ step: run.cursor, show: false });
    setView({ follow: false, top: Math.max(0, line - Math.floor(outputRows / 2)), match: line, term });
  };

  useInput((input, key) => {
    const command = commandFor(input, key, context);
    if (!command) return;
    switch (command) {
      case 'interrupt':
        // As in line mode: a running command is only ended after a yes; otherwise stop at once.
        if (driver.commandRunning && overlay !== 'interrupt') setOverlay('interrupt');
        else driver.interrupt('Ctrl-C');
        return;
      case 'continue':
        if (finished) onExit();
        else if (open?.prompt.kind === 'continue') answer(true);
        return;
      case 'quit':
        if (finished) onExit();
        else if (driver.commandRunning) setOverlay('quit');
        else driver.abort('operator quit');
        return;
      case 'help':
        setOverlay('help');
        return;
      case 'close':
        setOverlay('none');
        return;
      case 'search':
        setOverlay('search');
        return;
      case 'nextMatch':
      case 'previousMatch':
        if (view.term) findMatch(view.term, command === 'nextMatch' ? 'older' : 'newer');
        return;
      case 'toggleVms':
        setVmChoice({ step: run.cursor, show: !showVms });
        return;
      default:
        scroll(command);
    }
  });

  const main = () => {
    if (overlay === 'help') return <HelpOverlay width={mainWidth} height={paneHeight} />;
    if (finished) {
      const summaryHeight = Math.min(Math.floor(bodyHeight / 2), 4 + (run.vmsBefore?.length ?? 0));
      return (
        <>
          <Summary run={run} width={mainWidth} height={summaryHeight} />
          {showVms ? (
            <VmTable plans={plans} top={vmTop} height={bodyHeight - summaryHeight} width={mainWidth} />
          ) : (
            <OutputPane store={store} view={view} width={mainWidth} height={bodyHeight - summaryHeight} />
          )}
        </>
      );
    }
    if (showVms) return <VmTable plans={plans} top={vmTop} height={paneHeight} width={mainWidth} />;
    return <OutputPane store={store} view={view} width={mainWidth} height={paneHeight} />;
  };

  const bottom = () => {
    if (overlay === 'search') {
      return (
        <Box>
          <Text color="cyan">/</Text>
          <TextInput
            onSubmit={(term) => {
              setOverlay('none');
              if (term) findMatch(term, 'older');
            }}
          />
        </Box>
      );
    }
    // Ctrl-C and q while a command runs: ending it takes a yes.
    const confirmEnd: Partial<Record<Overlay, { question: string; onYes: () => void }>> = {
      interrupt: { question: 'Abort the running command (it and everything it started end)?', onYes: () => driver.interrupt('Ctrl-C') },
      quit: { question: 'A command is running. Quit and end it?', onYes: () => driver.abort('operator quit') },
    };
    const ending = confirmEnd[overlay];
    if (ending) {
      return (
        <ConfirmPrompt
          question={ending.question}
          destructive
          isActive
          onAnswer={(yes) => {
            setOverlay('none');
            if (yes) ending.onYes();
          }}
        />
      );
    }
    if (open && !finished) {
      return <PromptView id={open.id} prompt={open.prompt} height={promptRows} isActive={overlay === 'none'} onAnswer={answer} />;
    }
    return null;
  };

  const footerHidden: KeyCommand[] = [];
  if (!view.term) footerHidden.push('nextMatch', 'previousMatch');
  if (open?.prompt.kind !== 'continue' && !finished) footerHidden.push('continue');
  if (finished) footerHidden.push('continue', 'quit');
  const footerExtra = finished ? [{ keys: 'Enter/q', hint: 'exit' }] : open?.prompt.kind === 'continue' ? [] : promptKeys(open?.prompt);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Header run={shown} title={titles.length ? safeText(() => scope.text(run.runbook.title), run.runbook.title) : ''} training={training} width={width} />
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
      <Footer context={context} extra={searchNote ? [{ keys: '', hint: searchNote }, ...footerExtra] : footerExtra} hide={footerHidden} width={width} />
    </Box>
  );
}
