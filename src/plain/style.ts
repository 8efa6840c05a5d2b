// Colour for line output, only where it helps: a terminal, and NO_COLOR not set.
const CODES = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39] } as const;

export type Style = Record<keyof typeof CODES, (text: string) => string>;

export function colourWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if ('NO_COLOR' in env && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return Boolean(stream.isTTY) || (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0');
}

export function makeStyle(enabled: boolean): Style {
  const entries = Object.entries(CODES).map(([name, [open, close]]) => [
    name,
    enabled ? (text: string) => `\u001B[${open}m${text}\u001B[${close}m` : (text: string) => text,
  ]);
  return Object.fromEntries(entries) as Style;
}
