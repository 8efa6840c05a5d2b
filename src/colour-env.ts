// Imported first by the CLI: chalk (under Ink) reads FORCE_COLOR once, when it loads, and does not
// know NO_COLOR. Translating here makes NO_COLOR and TERM=dumb turn every colour off.
if (('NO_COLOR' in process.env && process.env.NO_COLOR !== '') || process.env.TERM === 'dumb') {
  process.env.FORCE_COLOR = '0';
}
export {};
