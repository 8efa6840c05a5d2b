// Every pattern a runbook gives (param and input `pattern`, `matches` in `when:`, `name:` globs)
// is matched here. Regexes run on RE2 (the re2js port): matching time grows linearly with the text,
// so no pattern, value or command output can make a match hang the way `(a+)+` hangs JavaScript's
// backtracking RegExp. RE2 has no backreferences and no lookaround; lint refuses them and says why.
import { RE2JS, RE2JSSyntaxException } from 're2js';
import { REGEX_CACHE_ENTRIES, REGEX_MAX_CHARS, REGEX_MAX_PROGRAM } from '../limits.js';

type Compiled = { regex: RE2JS } | { problem: string };

const cache = new Map<string, Compiled>();

const WHY_LINEAR = 'runbook patterns run on RE2, a linear-time engine, so that no value can make a match hang';

/** What RE2 refuses that JavaScript accepts, said in the author's terms. */
function unsupported(error: RE2JSSyntaxException): string | undefined {
  const input = error.input ?? '';
  if (/^\\[1-9]$/.test(input) || input === '\\k') return `pattern uses a backreference (${input}), which is not supported: ${WHY_LINEAR}`;
  if (input === '(?=' || input === '(?!') return `pattern uses a lookahead (${input}…), which is not supported: ${WHY_LINEAR}`;
  if (input.startsWith('(?<=') || input.startsWith('(?<!')) {
    return `pattern uses a lookbehind (${input.slice(0, 4)}…), which is not supported: ${WHY_LINEAR}`;
  }
  if (input === '\\u') return 'pattern is not a valid regular expression: \\u is not an escape here; write a code point as \\x{00e9}';
  return undefined;
}

function compile(pattern: string): Compiled {
  if (pattern.length > REGEX_MAX_CHARS) {
    return { problem: `pattern is too long: ${pattern.length} characters, at most ${REGEX_MAX_CHARS} are allowed` };
  }
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(pattern);
  } catch (error) {
    if (!(error instanceof RE2JSSyntaxException)) return { problem: `pattern is not a valid regular expression: ${(error as Error).message}` };
    const input = error.input ? `: \`${error.input}\`` : '';
    return { problem: unsupported(error) ?? `pattern is not a valid regular expression: ${error.error}${input}` };
  }
  const size = regex.programSize();
  if (size > REGEX_MAX_PROGRAM) {
    return {
      problem: `pattern is too complex: it compiles to ${size} instructions, at most ${REGEX_MAX_PROGRAM} are allowed; use smaller {n,m} counts or fewer alternatives`,
    };
  }
  return { regex };
}

function compiled(pattern: string): Compiled {
  let entry = cache.get(pattern);
  if (entry === undefined) {
    entry = compile(pattern);
    if (cache.size >= REGEX_CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
    cache.set(pattern, entry);
  }
  return entry;
}

/** Why a runbook cannot use this pattern ("pattern is …"), or undefined when it can. */
export function patternProblem(pattern: string): string | undefined {
  const entry = compiled(pattern);
  return 'problem' in entry ? entry.problem : undefined;
}

/**
 * Whether the whole text matches, as a param or input `pattern` requires. A pattern lint refuses
 * matches nothing: lint stops such a runbook before it runs, so this only guards other paths.
 */
export function matchesWhole(pattern: string, text: string): boolean {
  const entry = compiled(pattern);
  return 'regex' in entry && entry.regex.testExact(text);
}

/** Whether the pattern matches anywhere in the text, as `when: x matches "…"` asks. */
export function matchesAnywhere(pattern: string, text: string): boolean {
  const entry = compiled(pattern);
  return 'regex' in entry && entry.regex.test(text);
}

/**
 * `name:GLOB` selectors: `*` is any run of characters, `?` is one, everything else is literal.
 * No regex at all: one remembered `*` to retry from keeps this within glob length × name length.
 */
export function globMatches(glob: string, text: string): boolean {
  let g = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (g < glob.length && (glob[g] === '?' || (glob[g] !== '*' && glob[g] === text[t]))) {
      g++;
      t++;
    } else if (g < glob.length && glob[g] === '*') {
      star = g++;
      resume = t;
    } else if (star >= 0) {
      g = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (g < glob.length && glob[g] === '*') g++;
  return g === glob.length;
}
