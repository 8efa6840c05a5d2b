// One send to one target: a command hook's failure is named by its exit and last stderr line; a
// webhook's by its HTTP status; patchwalk giving up ends a send under way.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { deliver } from '../../src/notify/deliver.js';
import type { NotifyEvent } from '../../src/notify/notify-events.js';

const EVENT: NotifyEvent = { event: 'run-started', text: 'patchwalk kvm01: the run started', at: '2026-01-01T00:00:00.000Z', run: 'r1', runbook: 'Patch', host: 'kvm01', operator: 'ann' };

describe('deliver', () => {
  it('a command hook gets the event on stdin; a failing one is named by its exit code and last stderr line', async () => {
    await expect(deliver({ command: ['node', '-e', 'let d="";process.stdin.on("data",c=>d+=c).on("end",()=>process.exit(JSON.parse(d).event==="run-started"?0:9))'] }, EVENT)).resolves.toBeUndefined();
    await expect(deliver({ command: ['node', '-e', 'console.error("first\\nno route to pager");process.exit(3)'] }, EVENT)).rejects.toThrow('exit 3: no route to pager');
    await expect(deliver({ command: ['/nonexistent/hook'] }, EVENT)).rejects.toThrow();
  });

  it('a webhook answering 4xx/5xx fails with its status; giving up ends a send that hangs', async () => {
    const server = createServer((request, response) => {
      if (request.url === '/hang') return;
      request.resume().on('end', () => response.writeHead(404).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(deliver({ webhook: `${base}/missing` }, EVENT)).rejects.toThrow('HTTP 404');
      const controller = new AbortController();
      const sending = deliver({ webhook: `${base}/hang` }, EVENT, controller.signal);
      setTimeout(() => controller.abort(), 100);
      await expect(sending).rejects.toThrow('patchwalk stopped waiting');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
