// Small inline SVG charts of a value over a time window; no library, nothing inline to trip the CSP.

const SVG_NS = 'http://www.w3.org/2000/svg';
const WIDTH = 200;
const HEIGHT = 44;
/** Room above the highest value, so a flat line at the top is still visible. */
const HEADROOM = 1.15;

function svgElement(name, attributes = {}) {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

/** An empty chart, ready for `drawSparkline`. */
export function createSparkline() {
  return svgElement('svg', {
    class: 'spark',
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    preserveAspectRatio: 'none',
    role: 'img',
    focusable: 'false',
  });
}

/** Runs of consecutive samples with a value, split where one is missing or where no sample came for `gapMs`. */
function segments(samples, gapMs) {
  const runs = [];
  let run = [];
  let lastT = null;
  for (const { t, v } of samples) {
    const broken = v === null || v === undefined || (lastT !== null && t - lastT > gapMs);
    if (broken && run.length) {
      runs.push(run);
      run = [];
    }
    if (v !== null && v !== undefined) run.push({ t, v });
    lastT = t;
  }
  if (run.length) runs.push(run);
  return runs;
}

/**
 * Draws `samples` ([{ t: ms, v: number|null }], oldest first) between `from` and `to` (ms).
 * `reference`: a second series drawn dashed (capacity, for instance). `label`: what a screen
 * reader hears instead of the picture.
 */
export function drawSparkline(svg, { samples, reference = [], from, to, gapMs, label }) {
  svg.replaceChildren();
  svg.setAttribute('aria-label', label);
  const span = Math.max(1, to - from);
  const values = [...samples, ...reference].map((s) => s.v).filter((v) => typeof v === 'number');
  const top = Math.max(1, ...values) * HEADROOM;
  const x = (t) => ((Math.min(Math.max(t, from), to) - from) / span) * WIDTH;
  const y = (v) => HEIGHT - (v / top) * HEIGHT;
  const fixed = (n) => n.toFixed(1);

  svg.append(svgElement('line', { class: 'base', x1: 0, y1: HEIGHT - 0.5, x2: WIDTH, y2: HEIGHT - 0.5 }));

  for (const run of segments(reference, gapMs)) {
    // A step line: the reference (capacity) holds until it changes.
    let d = `M${fixed(x(run[0].t))} ${fixed(y(run[0].v))}`;
    for (let i = 1; i < run.length; i++) d += `H${fixed(x(run[i].t))}V${fixed(y(run[i].v))}`;
    if (run.length === 1) d += `h2`;
    svg.append(svgElement('path', { class: 'limit', d }));
  }

  for (const run of segments(samples, gapMs)) {
    const points = run.map(({ t, v }) => [x(t), y(v)]);
    // A lone sample still shows, as a short dash.
    if (points.length === 1) points.push([points[0][0] + 2, points[0][1]]);
    const line = points.map(([px, py], i) => `${i ? 'L' : 'M'}${fixed(px)} ${fixed(py)}`).join('');
    const area = `${line}L${fixed(points.at(-1)[0])} ${HEIGHT}L${fixed(points[0][0])} ${HEIGHT}Z`;
    svg.append(svgElement('path', { class: 'area', d: area }));
    svg.append(svgElement('path', { class: 'line', d: line }));
  }
}
