import { describe, expect, it } from 'vitest';
import { runLocal } from '../../src/inventory/provider-exec.js';

describe('runLocal', () => {
  it('collects stdout, stderr and the exit code, in the C locale', async () => {
    expect(await runLocal(['sh', '-c', 'echo "$LC_ALL"; echo oops >&2; exit 3'])).toEqual({ exitCode: 3, stdout: 'C\n', stderr: 'oops\n', problem: undefined });
  });

  it('names a missing tool, a timeout and an abort', async () => {
    expect(await runLocal(['no-such-tool-patchwalk'])).toMatchObject({ exitCode: null, problem: 'no-such-tool-patchwalk is not installed' });
    expect(await runLocal(['sleep', '5'], { timeoutMs: 50 })).toMatchObject({ exitCode: null, problem: 'timed out' });
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 20);
    expect(await runLocal(['sleep', '5'], { signal: abort.signal })).toMatchObject({ exitCode: null, problem: 'aborted' });
  });
});
