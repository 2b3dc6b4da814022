/** Re-render the markdown report of a recorded run: `node ... src/render.ts [results/latest.json]`. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { markdown, type RunRecord } from './report.js';

const file = resolve(process.cwd(), process.argv[2] ?? 'results/latest.json');
console.log(markdown(JSON.parse(readFileSync(file, 'utf8')) as RunRecord));
