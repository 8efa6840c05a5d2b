// The user's own settings (notification targets and idle time), kept by conf in a private file:
// $PATCHWALK_CONFIG_DIR/config.json, else $XDG_CONFIG_HOME/patchwalk/config.json, else
// ~/.config/patchwalk/config.json. Webhook URLs carry their tokens, so the file is 0600 in a 0700
// folder. A run reads the file without loading conf (it is only needed to change settings).
import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { SETTINGS_MAX_BYTES } from '../limits.js';
import { NotifySettings } from './notify-spec.js';

export const Settings = z.strictObject({ notify: NotifySettings.optional() });
export type SettingsSpec = z.infer<typeof Settings>;

/** The keys `patchwalk config` takes, as dotted paths into the settings. */
export const SETTING_KEYS = ['notify', 'notify.targets', 'notify.idle'] as const;

export function settingsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PATCHWALK_CONFIG_DIR) return env.PATCHWALK_CONFIG_DIR;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'patchwalk');
}

export const SETTINGS_NAME = 'config';
export const settingsFile = (env: NodeJS.ProcessEnv = process.env) => join(settingsDir(env), `${SETTINGS_NAME}.json`);

export class SettingsProblem extends Error {}

/** The settings as saved; {} when there is no file. Throws SettingsProblem naming the file and field. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): SettingsSpec {
  const file = settingsFile(env);
  let text: string;
  try {
    if (statSync(file).size > SETTINGS_MAX_BYTES) throw new SettingsProblem(`${file} is bigger than ${SETTINGS_MAX_BYTES} bytes: it is not a settings file patchwalk wrote`);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof SettingsProblem) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new SettingsProblem(`cannot read ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SettingsProblem(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  return checkSettings(parsed, file);
}

export function checkSettings(value: unknown, where: string): SettingsSpec {
  const result = Settings.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || '(top level)';
  throw new SettingsProblem(`${where}: ${field}: ${issue?.message ?? 'invalid'}`);
}

/** The settings folder, private: made 0700, and a file already there tightened to 0600. */
export function privateSettingsDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = settingsDir(env);
  const created = mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (created !== undefined) chmodSync(dir, 0o700);
  return dir;
}

export function tightenSettingsFile(env: NodeJS.ProcessEnv = process.env): void {
  try {
    chmodSync(settingsFile(env), 0o600);
  } catch {
    // Not written yet.
  }
}
