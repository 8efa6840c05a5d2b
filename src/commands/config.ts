// `patchwalk config`: the user's settings (conf), with their path. `config` shows them all,
// `config get KEY`, `config set KEY VALUE` (VALUE is JSON, or else a plain string) and
// `config unset KEY`. Every change is checked against the settings schema before it is saved.
import { EXIT, UsageError } from '../exit-codes.js';
import { checkSettings, privateSettingsDir, readSettings, SETTING_KEYS, SETTINGS_NAME, settingsFile, SettingsProblem, tightenSettingsFile, type SettingsSpec } from '../notify/user-settings.js';
import type { Io } from './run.js';

type Key = (typeof SETTING_KEYS)[number];

function keyOf(text: string | undefined, command: string): Key {
  if (text === undefined) throw new UsageError(`config ${command} needs a KEY: one of ${SETTING_KEYS.join(', ')}`);
  if (!(SETTING_KEYS as readonly string[]).includes(text)) throw new UsageError(`config: unknown key "${text}"; the keys are ${SETTING_KEYS.join(', ')}`);
  return text as Key;
}

function valueAt(settings: SettingsSpec, key: Key): unknown {
  let value: unknown = settings;
  for (const part of key.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}

function withValue(settings: SettingsSpec, key: Key, value: unknown): unknown {
  const copy = structuredClone(settings) as Record<string, unknown>;
  const parts = key.split('.');
  let node = copy;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    node[part] = next && typeof next === 'object' ? next : {};
    node = node[part] as Record<string, unknown>;
  }
  const last = parts.at(-1) ?? key;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

/** A value as typed: JSON when it parses (a list of targets), else the text itself ("5m"). */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));

export async function configCommand(args: string[], flags: { json: boolean }, io: Io): Promise<number> {
  const [verb, ...rest] = args;
  const env = io.env ?? process.env;
  const path = settingsFile(env);
  let settings: SettingsSpec;
  try {
    settings = readSettings(env);
  } catch (error) {
    if (!(error instanceof SettingsProblem)) throw error;
    io.stderr.write(`patchwalk: ${error.message}\nFix the file by hand, or remove it to start afresh.\n`);
    return EXIT.usage;
  }
  if (verb === undefined) {
    if (flags.json) io.stdout.write(`${JSON.stringify({ path, settings }, null, 2)}\n`);
    else io.stdout.write(`# ${path}\n${JSON.stringify(settings, null, 2)}\n`);
    return EXIT.ok;
  }
  if (verb === 'get') {
    if (rest.length !== 1) throw new UsageError('config get takes one KEY');
    const value = valueAt(settings, keyOf(rest[0], 'get'));
    if (value === undefined) {
      io.stderr.write(`patchwalk: ${rest[0]} is not set (${path})\n`);
      return EXIT.failed;
    }
    io.stdout.write(`${show(value)}\n`);
    return EXIT.ok;
  }
  if (verb !== 'set' && verb !== 'unset') throw new UsageError(`config: unknown action "${verb}"; use config, config get KEY, config set KEY VALUE or config unset KEY`);
  if (verb === 'set' && rest.length !== 2) throw new UsageError('config set takes a KEY and a VALUE (JSON, or plain text)');
  if (verb === 'unset' && rest.length !== 1) throw new UsageError('config unset takes one KEY');
  const key = keyOf(rest[0], verb);
  const value = verb === 'set' ? parseValue(rest[1] ?? '') : undefined;
  try {
    checkSettings(withValue(settings, key, value), `config ${verb} ${key}`);
  } catch (error) {
    if (!(error instanceof SettingsProblem)) throw error;
    throw new UsageError(`${error.message}; nothing was changed`);
  }
  const { default: Conf } = await import('conf');
  const store = new Conf<Record<string, unknown>>({ projectName: 'patchwalk', projectSuffix: '', cwd: privateSettingsDir(env), configName: SETTINGS_NAME, configFileMode: 0o600 });
  if (value === undefined) store.delete(key);
  else store.set(key, value);
  // conf creates the file with this mode; one made by hand or an older version is tightened too.
  tightenSettingsFile(env);
  io.stdout.write(verb === 'set' ? `${key} set (${path})\n` : `${key} unset (${path})\n`);
  return EXIT.ok;
}
