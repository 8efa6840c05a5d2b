// The console's arithmetic, apart from drawing: how the terminal's rows and columns are shared
// between the header, step list, step detail, output or VM table, prompt and footer.
import { PROMPT_BODY_SHARE, SIDEBAR_MAX_WIDTH, SIDEBAR_MIN_WIDTH } from '../limits.js';

export interface LayoutInput {
  columns: number;
  rows: number;
  /** The run has ended: the summary replaces the step detail and the prompt. */
  finished: boolean;
  /** Steps are under way (not params or inventory): the step detail is shown. */
  inSteps: boolean;
  /** The step's explanation may take 1/n of the body. */
  detailShare: number;
  /** Rows the step detail needs at a width. */
  detailRows: (width: number) => number;
  /** Rows the open prompt (or the question over it) needs at a width; 0 for none. */
  promptRows: (width: number) => number;
  /** Rows the end-of-run summary needs. */
  summaryRows: number;
}

export interface Layout {
  width: number;
  height: number;
  headerRows: number;
  footerRows: number;
  bodyHeight: number;
  sidebarWidth: number;
  mainWidth: number;
  detailHeight: number;
  summaryHeight: number;
  /** The output or VM table. */
  paneHeight: number;
  promptHeight: number;
}

export const HEADER_ROWS = 2;
export const FOOTER_ROWS = 1;
/** The output or VM table keeps at least this much, so a caption and a line are always there. */
export const MIN_PANE_ROWS = 2;
const MIN_WIDTH = 20;
const MIN_HEIGHT = 6;
const SIDEBAR_FROM_COLUMNS = 70;

export function consoleLayout(input: LayoutInput): Layout {
  // Rule one of the console: the frame never reaches the terminal's height (Ink would clear the
  // screen and the scrollback on every redraw), so every pane is sized from the rows.
  const height = Math.max(MIN_HEIGHT, input.rows - 1);
  const width = Math.max(MIN_WIDTH, input.columns);
  const bodyHeight = height - HEADER_ROWS - FOOTER_ROWS;
  const sidebarWidth = width >= SIDEBAR_FROM_COLUMNS ? Math.min(SIDEBAR_MAX_WIDTH, Math.max(SIDEBAR_MIN_WIDTH, Math.floor(width / 4))) : 0;
  const mainWidth = width - sidebarWidth - (sidebarWidth ? 1 : 0);
  const room = bodyHeight - MIN_PANE_ROWS;
  if (input.finished) {
    const summaryHeight = Math.min(Math.floor(bodyHeight / 2), input.summaryRows);
    return { width, height, headerRows: HEADER_ROWS, footerRows: FOOTER_ROWS, bodyHeight, sidebarWidth, mainWidth, detailHeight: 0, summaryHeight, paneHeight: bodyHeight - summaryHeight, promptHeight: 0 };
  }
  // The prompt comes first: a question is never cut to make room for an explanation.
  const promptHeight = Math.min(input.promptRows(mainWidth), Math.max(1, Math.floor(bodyHeight / PROMPT_BODY_SHARE)), room);
  const detailCap = Math.max(1, Math.floor(bodyHeight / input.detailShare));
  const detailHeight = input.inSteps ? Math.max(0, Math.min(detailCap, input.detailRows(mainWidth), room - promptHeight)) : 0;
  const paneHeight = bodyHeight - detailHeight - promptHeight;
  return { width, height, headerRows: HEADER_ROWS, footerRows: FOOTER_ROWS, bodyHeight, sidebarWidth, mainWidth, detailHeight, summaryHeight: 0, paneHeight, promptHeight };
}
