import { describe, expect, it } from 'vitest';
import { promptText } from '../../src/display/prompt-text.js';
import { wrapText } from '../../src/display/wrap.js';
import { consoleLayout, type Layout, type LayoutInput } from '../../src/ui/layout.js';
import { questionRows } from '../../src/ui/prompts/Question.js';

const NAMES = Array.from({ length: 20 }, (_, index) => `web${String(index + 1).padStart(2, '0')}`);
const REBOOT = promptText({ kind: 'confirm', question: `Reboot kvm01 now? 20 VM(s) still running will go down hard: ${NAMES.join(', ')}.`, destructive: true });

function input(columns: number, rows: number, extra: Partial<LayoutInput> = {}): LayoutInput {
  return {
    columns,
    rows,
    finished: false,
    inSteps: true,
    detailShare: 3,
    detailRows: (width) => 1 + wrapText('why: Patching a host affects every VM on it, so every VM is planned before any is touched.', width).length,
    promptRows: (width) => questionRows(REBOOT.question, REBOOT.hint, width),
    summaryRows: 8,
    ...extra,
  };
}

/** Every pane inside the terminal, the frame one row short of it, nothing overlapping. */
function expectFits(layout: Layout, columns: number, rows: number) {
  expect(layout.height).toBeLessThanOrEqual(rows - 1);
  expect(layout.width).toBeLessThanOrEqual(columns);
  expect(layout.headerRows + layout.bodyHeight + layout.footerRows).toBe(layout.height);
  expect(layout.detailHeight + layout.summaryHeight + layout.paneHeight + layout.promptHeight).toBe(layout.bodyHeight);
  expect(layout.sidebarWidth + (layout.sidebarWidth ? 1 : 0) + layout.mainWidth).toBe(layout.width);
  expect(layout.paneHeight).toBeGreaterThanOrEqual(2);
}

describe.each([
  [60, 20],
  [80, 24],
  [200, 60],
])('the console at %ix%i', (columns, rows) => {
  it('fits every pane and gives the whole reboot question its rows', () => {
    const layout = consoleLayout(input(columns, rows));
    expectFits(layout, columns, rows);
    expect(layout.promptHeight).toBe(questionRows(REBOOT.question, REBOOT.hint, layout.mainWidth));
    expect(layout.detailHeight).toBeGreaterThan(0);
  });

  it('fits the summary and the VM table when the run is over', () => {
    const layout = consoleLayout(input(columns, rows, { finished: true }));
    expectFits(layout, columns, rows);
    expect(layout.promptHeight).toBe(0);
    expect(layout.summaryHeight).toBe(Math.min(8, Math.floor(layout.bodyHeight / 2)));
  });

  it('keeps a pane for the output when the prompt and the detail both want everything', () => {
    const layout = consoleLayout(input(columns, rows, { detailRows: () => 500, promptRows: () => 500, detailShare: 2 }));
    expectFits(layout, columns, rows);
  });
});

describe('the sidebar', () => {
  it('is there from 70 columns, and not on a narrow terminal', () => {
    expect(consoleLayout(input(60, 20)).sidebarWidth).toBe(0);
    expect(consoleLayout(input(80, 24)).sidebarWidth).toBe(20);
    expect(consoleLayout(input(200, 60)).sidebarWidth).toBe(34);
  });
});
