// A trainee's path in the console: `run --rehearse --guided` in a real pseudo-terminal. Each step
// shows why, expect and what it will do, and waits for Enter; q asks the quit question.
import { afterEach, describe, expect, it } from 'vitest';
import { KEY, PtySession } from '../helpers/pty.js';
import { tempDir, writeRunbook } from '../helpers/cli.js';

let session: PtySession | undefined;
afterEach(() => session?.kill());

const RUNBOOK = `runbook: 1
title: Guided console
inventory:
  provider: sim
  vms:
    - { name: web01, state: running, tags: [web] }
    - { name: build01, state: shut-off }
target: { name: sim01, ssh: root@sim01 }
steps:
  - id: kernel
    title: Check the kernel
    run: uname -r
    on: host
    why: The new kernel only runs after the reboot.
    expect: { text: A 6.1 kernel., output: "^6\\\\.1" }
    rehearse: { output: "6.1.158-1-amd64" }
  - id: stop
    title: Stop the web VMs
    shutdown: { select: "tag:web", timeout: 1m }
`;

describe('guided rehearsal in the console', () => {
  it('shows why, expect and the briefing, waits for Enter, then compares the outcome with expect', async () => {
    const dir = tempDir();
    const file = writeRunbook(dir, 'guided.yaml', RUNBOOK);
    session = new PtySession(['run', file, '--rehearse', '--guided'], { cols: 100, rows: 30, env: { PATCHWALK_SIM_SPEED: '50', PATCHWALK_STATE_DIR: tempDir('patchwalk-pty-') } });
    const s = session;
    let screen = await s.waitFor('Press Enter to start this step');
    expect(screen).toContain('REHEARSAL');
    expect(screen).toContain('GUIDED');
    expect(screen).toContain('why: The new kernel only runs after the reboot.');
    expect(screen).toContain('expect: A 6.1 kernel. (checks: output matches /^6\\.1/)');
    expect(screen).toContain('guided: this step runs on the host: uname -r');
    // It waits: nothing of the step has happened yet.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(s.text()).not.toContain('rehearsal, not run');
    await s.press(KEY.enter);
    // A VM step shows the VM table with each VM's planned action; v shows the output with the briefing.
    screen = await s.waitFor(/Stop the web VMs \(shutdown\)[\s\S]*planned action[\s\S]*Press Enter to start this step/);
    // At a person's pace: a v pressed in the very instant the step's first frame is drawn can be lost.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await s.press('v');
    screen = await s.waitFor('guided: shut down: web01 (1 VM(s))');
    expect(screen).toContain('kernel: expect: as expected (output matches /^6\\.1/)');
    expect(screen).toContain('rehearsal, not run on root@sim01: uname -r');
    // q at the briefing asks the quit question; ending there leaves nothing off.
    await s.press('q');
    await s.waitFor('Quit?');
    await s.press(KEY.down, KEY.enter);
    expect(await s.wait()).toBe(1);
  }, 60_000);
});
