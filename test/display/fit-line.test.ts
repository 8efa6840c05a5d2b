import cliTruncate from 'cli-truncate';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { fitLine } from '../../src/display/fit-line.js';

describe('fitLine', () => {
  it('leaves a line that fits as it is', () => {
    expect(fitLine('Unpacking linux-image', 21)).toBe('Unpacking linux-image');
    expect(fitLine('', 5)).toBe('');
  });

  it('cuts a long line to the width with an ellipsis, as the pane has always shown it', () => {
    const line = 'Setting up linux-image-6.1.0-28-amd64 (6.1.119-1) ...';
    expect(fitLine(line, 20)).toBe(cliTruncate(line, 20, { position: 'end' }));
    expect(stringWidth(fitLine(line, 20))).toBe(20);
  });

  it('counts wide characters by their columns, never splitting one', () => {
    const line = '更新中 パッケージ linux-image を展開しています';
    for (let width = 1; width <= 40; width++) {
      const fitted = fitLine(line, width);
      expect(stringWidth(fitted), `width ${width}`).toBeLessThanOrEqual(width);
      expect(stringWidth(fitted), `width ${width}`).toBeGreaterThanOrEqual(width - 1);
      expect(fitted.endsWith('…') || fitted === line).toBe(true);
    }
  });

  it('draws nothing in no columns', () => {
    expect(fitLine('anything', 0)).toBe('');
  });
});
