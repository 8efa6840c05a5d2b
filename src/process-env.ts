// Imported first by the CLI, before anything reads the environment at load time. chalk (under Ink) reads FORCE_COLOR once, when it loads, and does not
// know NO_COLOR. Translating here makes NO_COLOR and TERM=dumb turn every colour off.
if (('NO_COLOR' in process.env && process.env.NO_COLOR !== '') || process.env.TERM === 'dumb') {
  process.env.FORCE_COLOR = '0';
}
// React's development build checks and records far more on every render; a terminal app in use
// wants the production one. Tests set NODE_ENV themselves.
process.env.NODE_ENV ??= 'production';
export {};
