// Notifications end to end: a sim run through the built CLI tells a webhook served by this test
// (127.0.0.1 only) and a command hook (a node script that appends its stdin to a file). A webhook
// that refuses or never answers does not hold up or fail the run; the failure is journaled.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patchwalk as run, tempDir, writeRunbook } from '../helpers/cli.js';

/** The CLI's result with its output as text. */
async function patchwalk(...args: Parameters<typeof run>) {
  const result = await run(...args);
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

const dir = tempDir('patchwalk-notify-');
const HOOK = writeRunbook(
  dir,
  'hook.mjs',
  `import { appendFileSync } from 'node:fs';
let data = '';
process.stdin.on('data', (chunk) => (data += chunk)).on('end', () => appendFileSync(process.argv[2], data));
`,
);

const runbook = (notify: string) => `
runbook: 1
title: Patch {{ host }}
unattended: true
params:
  host: { default: sim01 }
  token: { secret: true, default: s3cr3t-token }
inventory:
  provider: sim
  reboot_time: 1s
  vms:
    - { name: web01, state: running, shutdown_time: 1s }
    - { name: db01, state: running, shutdown_time: 1s }
target: { name: "{{ host }}" }
${notify}
steps:
  - id: upgrade
    title: Apply updates
    run: echo using {{ token }}
  - id: down
    title: Shut down
    shutdown: { select: running }
  - id: reboot
    title: Reboot the host
    reboot: { confirm: type-host-name }
  - id: up
    title: Start web01 only
    start: { select: "name:web01" }
  - id: broken
    title: A check that fails
    run: "exit 3"
    on_failure: abort
`;

interface Received {
  path: string;
  body: { text: string; patchwalk: { event: string; step?: string; vm?: string } };
}

let server: Server;
let url: string;
const received: Received[] = [];
const held: IncomingMessage[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/hang') {
      held.push(request);
      return;
    }
    let body = '';
    request.on('data', (chunk) => (body += chunk)).on('end', () => {
      received.push({ path: request.url ?? '', body: JSON.parse(body) });
      response.writeHead(request.url === '/fail' ? 500 : 200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  for (const request of held) request.socket.destroy();
  server.close();
});

function journal(state: string): Record<string, unknown>[] {
  const [run] = readdirSync(join(state, 'runs'));
  return readFileSync(join(state, 'runs', run!, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('notifications', () => {
  it('the runbook webhook and the settings command hook both get every event of the run', async () => {
    const state = tempDir('patchwalk-notify-state-');
    const config = tempDir('patchwalk-notify-config-');
    const events = join(dir, 'events.jsonl');
    const env = { PATCHWALK_STATE_DIR: state, PATCHWALK_CONFIG_DIR: config };
    const set = await patchwalk(['config', 'set', 'notify.targets', JSON.stringify([{ command: ['node', HOOK, events] }])], { env });
    expect(set.exitCode, set.stderr).toBe(0);
    const file = writeRunbook(dir, 'notify.yaml', runbook(`notify:\n  - webhook: ${url}/hook/T000/B000/XXXX`));
    const result = await patchwalk(['run', file, '--plain', '--yes'], { env });
    expect(result.exitCode, result.stderr).toBe(1);

    const wanted = ['run-started', 'reboot-started', 'host-back', 'step-failed', 'vm-not-back', 'run-ended'];
    const posted = received.filter((request) => request.path === '/hook/T000/B000/XXXX');
    expect(posted.map((request) => request.body.patchwalk.event)).toEqual(wanted);
    for (const request of posted) expect(request.body.text).toMatch(/^patchwalk sim01: .+ · Patch sim01 · run \d{8}-\d{6}-[0-9a-f]{4} \(\S+\)$/);
    expect(posted[3]?.body.patchwalk).toMatchObject({ event: 'step-failed', step: 'broken' });
    expect(posted[4]?.body.patchwalk).toMatchObject({ event: 'vm-not-back', vm: 'db01' });

    const hooked = readFileSync(events, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { event: string; text: string });
    expect(hooked.map((event) => event.event)).toEqual(wanted);
    expect(hooked[0]?.text).toContain('the run started');
    // Secrets never leave in a notification.
    expect(JSON.stringify(received) + readFileSync(events, 'utf8')).not.toContain('s3cr3t-token');
  }, 60_000);

  it('a webhook that refuses, fails or never answers neither holds up nor fails the run; the failures are journaled', async () => {
    // A port nothing listens on: bind one, then let it go.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const state = tempDir('patchwalk-notify-state-');
    const env = { PATCHWALK_STATE_DIR: state, PATCHWALK_CONFIG_DIR: tempDir('patchwalk-notify-config-') };
    const targets = `notify:\n  idle: 1m\n  targets:\n    - webhook: http://127.0.0.1:${port}/refused\n    - webhook: ${url}/fail\n    - webhook: ${url}/hang`;
    const file = writeRunbook(dir, 'failing.yaml', runbook(targets));
    const result = await patchwalk(['run', file, '--plain', '--yes'], { env, timeout: 60_000 });
    // Exit 1 is the failing step's, as without notifications; every step ran.
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stdout).toContain('Run failed');
    expect(result.stdout).toContain('steps: 4 done, 1 failed');
    const failed = journal(state).filter((record) => record.type === 'notify-failed');
    expect(failed).toContainEqual(expect.objectContaining({ event: 'run-started', target: `webhook http://127.0.0.1:${port}`, error: 'ECONNREFUSED', attempt: 1, final: false }));
    expect(failed).toContainEqual(expect.objectContaining({ event: 'run-started', target: `webhook ${url}`, error: 'HTTP 500' }));
    // The report names what never got through.
    const report = await patchwalk(['report', 'latest', '--format', 'json'], { env });
    expect(report.stdout).toContain(`the \\"run-started\\" notification to webhook ${url} was not delivered: not sent before patchwalk exited`);
    // Line mode says so on stderr too, and how many were never sent.
    expect(result.stderr).toContain('notification "run-started" to webhook');
    expect(result.stderr).toMatch(/\d+ notification\(s\) could not be sent before patchwalk exits/);
  }, 60_000);

  it('a dry run notifies nobody', async () => {
    const before = received.length;
    const file = writeRunbook(dir, 'dry.yaml', runbook(`notify:\n  - webhook: ${url}/dry`));
    const result = await patchwalk(['run', file, '--plain', '--yes', '--dry-run']);
    // A dry run's commands all "succeed": it ends done.
    expect(result.exitCode).toBe(0);
    expect(received.slice(before).filter((request) => request.path === '/dry')).toEqual([]);
  });

  it('a rehearsal notifies nobody: its reboot is simulated', async () => {
    const before = received.length;
    const file = writeRunbook(dir, 'rehearsal.yaml', runbook(`notify:\n  - webhook: ${url}/rehearsal`));
    const result = await patchwalk(['run', file, '--plain', '--yes', '--rehearse']);
    // The canned-less "exit 3" succeeds in a rehearsal: it ends done.
    expect(result.exitCode).toBe(0);
    expect(received.slice(before).filter((request) => request.path === '/rehearsal')).toEqual([]);
  });
});

describe('patchwalk config', () => {
  it('shows, sets, gets and unsets settings in a private file, checking each change', async () => {
    const config = join(tempDir('patchwalk-config-'), 'nested');
    const env = { PATCHWALK_CONFIG_DIR: config };
    const empty = await patchwalk(['config'], { env });
    expect(empty.exitCode).toBe(0);
    expect(empty.stdout).toContain(join(config, 'config.json'));

    expect((await patchwalk(['config', 'set', 'notify.idle', '10m'], { env })).exitCode).toBe(0);
    const targets = JSON.stringify([{ webhook: 'https://chat.example/hooks/abc' }, { command: ['logger', '-t', 'patchwalk'] }]);
    expect((await patchwalk(['config', 'set', 'notify.targets', targets], { env })).exitCode).toBe(0);
    expect(statSync(join(config, 'config.json')).mode & 0o777).toBe(0o600);
    expect(statSync(config).mode & 0o777).toBe(0o700);
    expect((await patchwalk(['config', 'get', 'notify.idle'], { env })).stdout).toBe('10m');
    const shown = await patchwalk(['config', '--json'], { env });
    expect(JSON.parse(shown.stdout)).toEqual({ path: join(config, 'config.json'), settings: { notify: { idle: '10m', targets: JSON.parse(targets) } } });

    const bad = await patchwalk(['config', 'set', 'notify.targets', '[{"webhook":"ftp://x"}]'], { env });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('notify.targets.0');
    expect(bad.stderr).toContain('nothing was changed');
    const unknown = await patchwalk(['config', 'set', 'colour', 'blue'], { env });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('unknown key "colour"');

    expect((await patchwalk(['config', 'unset', 'notify.idle'], { env })).exitCode).toBe(0);
    const gone = await patchwalk(['config', 'get', 'notify.idle'], { env });
    expect(gone.exitCode).toBe(1);
    expect(gone.stderr).toContain('notify.idle is not set');
    expect(existsSync(join(config, 'config.json'))).toBe(true);
  }, 30_000);
});
