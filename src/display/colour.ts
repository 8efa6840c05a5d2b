// Whether the terminal gets colour. With NO_COLOR (or TERM=dumb) Ink's chalk draws no style at
// all, inverse included, so what must stand out without colour is drawn with raw video codes.

export function colourDisabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return ('NO_COLOR' in env && env.NO_COLOR !== '') || env.TERM === 'dumb' || env.FORCE_COLOR === '0';
}

/** Inverse video: a style, not a colour, so NO_COLOR leaves it on. patchwalk's own code. */
export function inverseVideo(text: string): string {
  return `\u001B[7m${text}\u001B[27m`;
}
