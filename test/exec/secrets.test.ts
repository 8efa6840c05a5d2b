// Secrets never reach an argv or the supervisor's environment: a command refers to each one as an
// environment variable set in its own environment only, handed over through the supervisor's stdin.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPids } from '../../src/exec/detached.js';
import { renderCommand } from '../../src/runbook/template.js';
import { patchwalk, tempDir, writeRunbook } from '../helpers/cli.js';
import { commandFiles, environOf, processesShowing, run } from '../helpers/detached.js';
import { waitFor } from '../helpers/processes.js';

const secret = `pw-${randomBytes(6).toString('hex')} it's`;
const values: Record<string, string> = { pw: secret, user: 'app' };
const resolve = (path: string[]) => values[path.join('.')];
const isSecret = (path: string[]) => path[0] === 'pw';

describe('secrets in commands', () => {
  it('render as quoted references to the command’s own environment, in strings, argv lists and env:', () => {
    expect(renderCommand('mysql -u {{ user }} -p{{ pw }} && echo {{ pw }}', resolve, { secret: isSecret })).toEqual({
      shell: 'mysql -u app -p"$PW_SECRET_1" && echo "$PW_SECRET_1"',
      env: { PW_SECRET_1: secret },
    });
    expect(renderCommand(['mysql', '-u', '{{ user }}', '--password={{ pw }}'], resolve, { secret: isSecret })).toEqual({
      shell: 'exec mysql -u app --password="$PW_SECRET_1"',
      env: { PW_SECRET_1: secret },
    });
    expect(renderCommand(['psql', '-U', '{{ user }}'], resolve, { secret: isSecret, env: { PGPASSWORD: '{{ pw }}' } })).toEqual({
      argv: ['psql', '-U', 'app'],
      env: { PGPASSWORD: secret },
    });
  });

  it('reach the command, but no command line of its tree nor the supervisor’s environment', async () => {
    const dir = tempDir('patchwalk-secret-');
    const got = join(dir, 'got');
    const go = join(dir, 'go');
    const command = renderCommand(
      `printf '%s|%s' {{ pw }} "$PGPASSWORD" > ${got}; sh -c 'while [ ! -e ${go} ]; do sleep 0.05; done'`,
      resolve,
      { secret: isSecret, env: { PGPASSWORD: '{{ pw }}' } },
    );
    const files = commandFiles();
    const running = run({ command, files, secrets: [secret] });
    expect(await waitFor(() => existsSync(got), 10_000)).toBe(true);
    const supervisor = readPids(files)?.supervisor ?? 0;
    expect(supervisor).toBeGreaterThan(0);
    expect(processesShowing(secret)).toEqual([]);
    expect(environOf(supervisor)).not.toContain(secret);
    writeFileSync(go, '');
    expect((await running).exitCode).toBe(0);
    expect(readFileSync(got, 'utf8')).toBe(`${secret}|${secret}`);
  });

  it('a runbook’s env: hands a secret param to the command rendered, through the CLI', async () => {
    const dir = tempDir('patchwalk-secret-cli-');
    const got = join(dir, 'got');
    const file = writeRunbook(
      dir,
      'env.yaml',
      `runbook: 1
title: Secret env
params:
  db_password: { prompt: Database password, secret: true }
steps:
  - id: dump
    title: Dump
    run: printf '%s' "$PGPASSWORD" > ${got}
    env: { PGPASSWORD: "{{ db_password }}" }
`,
    );
    const result = await patchwalk(['run', file, '--plain', '--set', `db_password=${secret}`]);
    expect(result.exitCode, String(result.stdout)).toBe(0);
    expect(readFileSync(got, 'utf8')).toBe(secret);
    expect(String(result.stdout)).not.toContain(secret);
  });

  it('an env: name that no shell can set fails clearly', async () => {
    const result = await run({ command: { shell: 'true', env: { 'BAD-NAME': 'x' } } });
    expect(result.error).toBe('cannot run true: env: "BAD-NAME" is not a valid environment variable name');
  });
});
