/** The strict Prometheus text parser of the metrics tests refuses what Prometheus would refuse. */
import { describe, expect, it } from 'vitest';
import { parsePrometheusText, sampleValue } from './prom-text.js';

const histogram = (inf: number, count: number) =>
  `# HELP h a histogram\n# TYPE h histogram\nh_bucket{le="0.5",q="a"} 1\nh_bucket{le="+Inf",q="a"} ${inf}\nh_sum{q="a"} 0.7\nh_count{q="a"} ${count}\n`;

describe('parsePrometheusText', () => {
  it('parses families, escaped label values and histograms', () => {
    const m = parsePrometheusText(
      `# HELP c a counter\n# TYPE c counter\nc{a="x\\"y\\\\z\\n",b="2"} 3\nc 4 1700000000\n${histogram(2, 2)}`,
    );
    expect(m.get('c')?.type).toBe('counter');
    expect(sampleValue(m, 'c', { a: 'x"y\\z\n' })).toBe(3);
    expect(sampleValue(m, 'h_count')).toBe(2);
  });

  it.each([
    ['a sample with no TYPE', 'x 1\n'],
    ['a bad value', '# TYPE x gauge\nx one\n'],
    ['an unquoted label', '# TYPE x gauge\nx{a=1} 1\n'],
    ['a bad escape', '# TYPE x gauge\nx{a="\\t"} 1\n'],
    ['no final newline', '# TYPE x gauge\nx 1'],
    ['an unknown type', '# TYPE x meter\n'],
    ['+Inf not equal to _count', histogram(2, 3)],
  ])('refuses %s', (_what, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
