// Whole-value pattern checks for params and input answers: one definition (linear-time RE2), so
// the engine, lint and both renderers agree on what "matches" means.
export { matchesWhole } from '../runbook/safe-regex.js';
