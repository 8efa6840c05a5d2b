// Module hooks (run in the loader's thread): writes the URL of every module loaded to
// $PATCHWALK_MODULE_TRACE, one per line. Modules that CommonJS code requires bypass these hooks, but
// the package entry an ES module imports (react/index.js, say) passes through them.
import { appendFileSync } from 'node:fs';

export async function load(url, context, nextLoad) {
  const file = process.env.PATCHWALK_MODULE_TRACE;
  if (file) appendFileSync(file, `${url}\n`);
  return nextLoad(url, context);
}
