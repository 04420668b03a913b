// Small DOM helpers: elements are built with text nodes, never from HTML strings.

/** `h('tag.class', { attr: value, onclick: fn }, ...children)`; strings become text nodes. */
export function h(selector, attributes = {}, ...children) {
  const [tag, ...classes] = selector.split('.');
  const element = document.createElement(tag);
  if (classes.length) element.className = classes.join(' ');
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false || value === null) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

export function append(parent, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** Pretty-printed JSON as text in a focusable, scrollable block. */
export function jsonBlock(value, label) {
  return h('pre.json', { tabindex: 0, 'aria-label': label }, JSON.stringify(value, null, 2));
}

export function errorNote(error) {
  return h('p.error', { role: 'alert' }, error instanceof Error ? error.message : String(error));
}

const SVG = 'http://www.w3.org/2000/svg';

export function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child);
  return element;
}

/** A small trend line of numbers (oldest first), with its values for screen readers. */
export function sparkline(values, label, width = 120, height = 28) {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  // 2 px of margin all round, so that the points' dots are not clipped.
  const step = values.length > 1 ? (width - 4) / (values.length - 1) : 0;
  const points = values.map(
    (value, i) => `${(2 + i * step).toFixed(1)},${(height - 2 - ((value - min) / span) * (height - 4)).toFixed(1)}`,
  );
  return svg(
    'svg',
    { class: 'sparkline', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label },
    svg('title', {}, document.createTextNode(label)),
    svg('polyline', { points: points.join(' '), fill: 'none', stroke: 'currentColor', 'stroke-width': 1.5 }),
    ...points.map((point) => {
      const [cx, cy] = point.split(',');
      return svg('circle', { cx, cy, r: 2, fill: 'currentColor' });
    }),
  );
}

export function time(iso) {
  return new Date(iso).toLocaleTimeString(undefined, { hour12: false });
}
