// Live events: a table fed by the stream, filters, pause, a correlation view and rates.
import { json } from '/console/api.js';
import { errorNote, h, jsonBlock, replace, svg, time } from '/console/dom.js';
import { byCorrelation, connect, onEvent, received } from '/console/event-stream.js';

const MAX_ROWS = 300;

export function mountEvents(root) {
  let paused = false;
  const filters = { outcome: '', patient: '' };
  const rows = h('tbody');
  const detail = h(
    'div.detail',
    { 'aria-live': 'polite' },
    h('p.hint', {}, 'Select an event to see its JSON and its request.'),
  );
  const pauseButton = h('button', { type: 'button', 'aria-pressed': 'false', onclick: togglePause }, 'Pause');
  const counter = h('span.count', { role: 'status' }, '0 events');
  const patternInput = h('input', { id: 'event-pattern', value: '**', spellcheck: 'false', size: 18 });
  const statusBox = h('div.status-box');

  const form = h(
    'form.filters',
    {
      onsubmit: (e) => {
        e.preventDefault();
        connect(patternInput.value.trim() || '**');
        redraw();
      },
    },
    h('label', { for: 'event-pattern' }, 'Pattern'),
    patternInput,
    h('button', { type: 'submit' }, 'Apply'),
    h('label', { for: 'event-outcome' }, 'Outcome'),
    h(
      'select',
      { id: 'event-outcome', onchange: (e) => ((filters.outcome = e.target.value), redraw()) },
      h('option', { value: '' }, 'any'),
      h('option', { value: 'success' }, 'success'),
      h('option', { value: 'failure' }, 'failure'),
    ),
    h('label', { for: 'event-patient' }, 'Patient id'),
    h('input', {
      id: 'event-patient',
      size: 14,
      oninput: (e) => ((filters.patient = e.target.value.trim()), redraw()),
    }),
    pauseButton,
    counter,
  );

  const table = h(
    'table.events',
    {},
    h('caption', {}, 'Events, newest first'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...[
          'Time',
          'Type',
          'Source system',
          'Operation',
          'Resource',
          'Outcome',
          'Status',
          'Duration',
          'Correlation id',
        ].map((name) => h('th', { scope: 'col' }, name)),
      ),
    ),
    rows,
  );

  replace(
    root,
    h('h2', {}, 'Live events'),
    form,
    h('div.split', {}, h('div.table-wrap', {}, table), detail),
    h('h3', {}, 'Rates over the last 15 minutes'),
    h(
      'button.secondary',
      { type: 'button', id: 'refresh-rates', onclick: () => void refreshStatus() },
      'Refresh rates',
    ),
    statusBox,
  );

  function matches(event) {
    if (filters.outcome && event.payload.outcome !== filters.outcome) return false;
    if (filters.patient) {
      const p = event.payload;
      const ids = [p.patientId, p.resourceType === 'Patient' ? p.resourceId : undefined];
      if (!ids.includes(filters.patient)) return false;
    }
    return true;
  }

  function row(event) {
    const p = event.payload;
    const select = () => showDetail(event);
    return h(
      'tr',
      {
        tabindex: 0,
        class: p.outcome === 'failure' ? 'failure' : undefined,
        dataset: { eventId: event.id, eventType: event.eventType },
        onclick: select,
        onkeydown: (e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), select()),
      },
      h('td', {}, time(event.timestamp)),
      h('td', {}, event.eventType),
      h('td', {}, event.sourceSystem),
      h('td', {}, p.operation),
      h('td', {}, p.resourceType ? `${p.resourceType}${p.resourceId ? `/${p.resourceId}` : ''}` : (p.serviceId ?? '')),
      h('td', {}, h('span', { class: `outcome ${p.outcome}` }, p.outcome)),
      h('td', {}, p.status),
      h('td', {}, typeof p.durationMs === 'number' ? `${p.durationMs} ms` : ''),
      h('td.mono', {}, event.correlationId ?? ''),
    );
  }

  function redraw() {
    const shown = received.filter(matches).slice(-MAX_ROWS).reverse();
    replace(rows, shown.map(row));
    counter.textContent = `${received.length} events${paused ? ' (paused)' : ''}`;
  }

  function togglePause() {
    paused = !paused;
    pauseButton.textContent = paused ? 'Resume' : 'Pause';
    pauseButton.setAttribute('aria-pressed', String(paused));
    if (!paused) redraw();
    else counter.textContent = `${received.length} events (paused)`;
  }

  function showDetail(event) {
    const story = event.correlationId ? byCorrelation(event.correlationId) : [event];
    replace(
      detail,
      h('h3', {}, `${event.eventType} ${event.id}`),
      jsonBlock(event, 'Event JSON'),
      h('h4', {}, `Every event of request ${event.correlationId ?? '(none)'}`),
      h(
        'ol.story',
        {},
        story.map((e) =>
          h(
            'li',
            {},
            `${time(e.timestamp)} ${e.eventType} ${e.sourceSystem} ${e.payload.operation} ${e.payload.outcome} ${e.payload.status}`,
          ),
        ),
      ),
    );
  }

  onEvent((event) => {
    if (paused) {
      counter.textContent = `${received.length} events (paused)`;
      return;
    }
    if (!matches(event)) return;
    rows.prepend(row(event));
    while (rows.children.length > MAX_ROWS) rows.lastElementChild.remove();
    counter.textContent = `${received.length} events`;
  });

  async function refreshStatus() {
    try {
      const { body } = await json('/events/status');
      replace(statusBox, ratesChart(body.rates), brokerLine(body));
    } catch (error) {
      replace(statusBox, errorNote(error));
    }
  }
  void refreshStatus();
  setInterval(refreshStatus, 10_000);
}

function brokerLine(status) {
  const broker = status.broker
    ? `Broker: ${status.broker.connected ? 'connected' : 'not connected'}, outbox depth ${status.broker.outboxSize}, published ${status.broker.published}, dropped ${status.broker.dropped}`
    : 'Broker: none (events stay in the process)';
  return h(
    'p.broker',
    {},
    h(
      'span',
      { class: status.listenerFailures > 0 ? 'outcome failure' : 'outcome success' },
      `Listener failures: ${status.listenerFailures}`,
    ),
    ' · ',
    broker,
    ' · ',
    `Viewers: ${status.viewers}`,
  );
}

/** Events per minute, failures in red, one bar per minute; a table with the same numbers per type. */
function ratesChart(rates) {
  const types = Object.entries(rates.types);
  const totals = rates.minutes.map((_, i) => types.reduce((sum, [, series]) => sum + series.events[i], 0));
  const failures = rates.minutes.map((_, i) => types.reduce((sum, [, series]) => sum + series.failures[i], 0));
  const max = Math.max(1, ...totals);
  const width = 15 * 18;
  const height = 60;
  const bars = rates.minutes.flatMap((minute, i) => {
    const total = (totals[i] / max) * height;
    const failed = (failures[i] / max) * height;
    return [
      svg('rect', { x: i * 18, y: height - total, width: 14, height: total, class: 'bar' }),
      svg('rect', { x: i * 18, y: height - failed, width: 14, height: failed, class: 'bar failed' }),
    ];
  });
  const chart = svg(
    'svg',
    {
      class: 'rates',
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-label': `Events per minute, last 15 minutes: ${totals.join(', ')}`,
    },
    ...bars,
  );
  const table = h(
    'table.rates-table',
    {},
    h('caption', {}, 'Events per type, last 15 minutes'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Type'),
        h('th', { scope: 'col' }, 'Events'),
        h('th', { scope: 'col' }, 'Failures'),
      ),
    ),
    h(
      'tbody',
      {},
      types.map(([type, series]) => {
        const failed = series.failures.reduce((a, b) => a + b, 0);
        return h(
          'tr',
          { class: failed > 0 ? 'failure' : undefined },
          h('th', { scope: 'row' }, type),
          h(
            'td',
            {},
            series.events.reduce((a, b) => a + b, 0),
          ),
          h('td', {}, failed),
        );
      }),
    ),
  );
  return h('div.rates-box', {}, chart, table);
}
