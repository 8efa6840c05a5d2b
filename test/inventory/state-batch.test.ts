import { describe, expect, it } from 'vitest';
import { StateBatch } from '../../src/inventory/state-batch.js';

describe('StateBatch', () => {
  it('answers everyone who asks in the same turn with one read', async () => {
    const reads: string[][] = [];
    const batch = new StateBatch(async (keys) => {
      reads.push(keys);
      return new Map(keys.map((key) => [key, `state of ${key}`]));
    });
    const names = Array.from({ length: 50 }, (_, index) => `vm${index}`);
    const answers = await Promise.all(names.map((name) => batch.get(name)));
    expect(answers).toEqual(names.map((name) => `state of ${name}`));
    expect(reads).toHaveLength(1);
    expect(reads[0]).toEqual(names);
  });

  it('never answers with a read that started before the question', async () => {
    let version = 0;
    let release: () => void = () => {};
    const batch = new StateBatch(async (keys) => {
      const seen = ++version;
      if (seen === 1) await new Promise<void>((resolve) => (release = resolve));
      return new Map(keys.map((key) => [key, seen]));
    });
    const first = batch.get('a');
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    // The first read is running: these two wait for the next one, and share it.
    const second = [batch.get('a'), batch.get('b')];
    release();
    expect(await first).toBe(1);
    expect(await Promise.all(second)).toEqual([2, 2]);
    expect(version).toBe(2);
  });

  it('a failed read fails everyone waiting on it, and the next read is tried afresh', async () => {
    let calls = 0;
    const batch = new StateBatch(async (keys) => {
      calls++;
      if (calls === 1) throw new Error('pvesh get /nodes/pve1/qemu failed: timed out');
      return new Map(keys.map((key) => [key, 'running']));
    });
    await expect(Promise.all([batch.get('a'), batch.get('b')])).rejects.toThrow('timed out');
    expect(await batch.get('a')).toBe('running');
    expect(await batch.get('zzz')).toBe('running');
    expect(calls).toBe(3);
  });
});
