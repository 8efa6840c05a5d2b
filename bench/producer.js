// Writes lines like an upgrade log: `paced COUNT RATE` (lines of about 70 characters at RATE
// lines a second) or `burst COUNT` (as fast as the pipe takes them).
const [mode = 'paced', countText = '200000', rateText = '5000'] = process.argv.slice(2);
const count = Number(countText);
const rate = Number(rateText);
const line = (index) => `Unpacking linux-modules-extra-6.1.0-${String(index).padStart(7, '0')} (6.1.158-1) over (6.1.153-1) ...\n`.slice(-71);

async function write(text) {
  if (!process.stdout.write(text)) await new Promise((resolve) => process.stdout.once('drain', resolve));
}

if (mode === 'burst') {
  let chunk = '';
  for (let index = 1; index <= count; index++) {
    chunk += `${index}\n`;
    if (chunk.length > 65536) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
} else {
  const started = Date.now();
  const tickMs = 10;
  let written = 0;
  while (written < count) {
    const due = Math.min(count, Math.floor(((Date.now() - started) / 1000) * rate) + Math.ceil((rate * tickMs) / 1000));
    let chunk = '';
    for (; written < due; written++) chunk += line(written);
    if (chunk) await write(chunk);
    await new Promise((resolve) => setTimeout(resolve, tickMs));
  }
}
