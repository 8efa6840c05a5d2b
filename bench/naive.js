// The naive console the issue warns about: every line appended to React state, the whole history
// laid out on every commit. For comparison only.
import { execa } from 'execa';
import { Box, render, Text, useApp } from 'ink';
import React, { useEffect, useState } from 'react';

const [count = '20000'] = process.argv.slice(2);
const h = React.createElement;

function Naive() {
  const [lines, setLines] = useState([]);
  const { exit } = useApp();
  useEffect(() => {
    const producer = execa('node', [new URL('./producer.js', import.meta.url).pathname, 'paced', count, '5000'], { buffer: false });
    producer.stdout.setEncoding('utf8');
    let rest = '';
    producer.stdout.on('data', (chunk) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop();
      for (const line of parts) setLines((previous) => [...previous, line]);
    });
    producer.then(() => setTimeout(exit, 100));
  }, []);
  return h(Box, { flexDirection: 'column' }, lines.map((line, index) => h(Text, { key: index }, line)));
}

render(h(Naive));
