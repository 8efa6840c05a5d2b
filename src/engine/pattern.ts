// Whole-value pattern checks for params and input answers: one definition, so the engine, lint and
// both renderers agree on what "matches" means.
export function matchesWhole(pattern: string, text: string): boolean {
  return new RegExp(`^(?:${pattern})$`).test(text);
}
