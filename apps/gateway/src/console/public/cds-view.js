// CDS services as an EHR shows them: discovery, invoke, cards, suggestions, overrides, feedback.
import DOMPurify from '/console/vendor/purify.js';
import { marked } from '/console/vendor/marked.js';
import { call, json } from '/console/api.js';
import { errorNote, h, jsonBlock, replace } from '/console/dom.js';
import { byCorrelation, onEvent } from '/console/event-stream.js';

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const DRAFT_ORDERS = [
  ['308182', 'Amoxicillin 250 MG Oral Capsule'],
  ['198335', 'Sulfamethoxazole 800 MG / Trimethoprim 160 MG Oral Tablet'],
  ['313782', 'Acetaminophen 325 MG Oral Tablet'],
];
const DEFAULT_OVERRIDE_REASONS = [{ code: 'not-applicable', display: 'Not applicable to this patient' }];

/** Card detail is markdown from the service: rendered, then sanitised before it reaches the page. */
function markdown(text) {
  const html = DOMPurify.sanitize(marked.parse(text, { async: false }), { RETURN_DOM_FRAGMENT: true });
  return h('div.markdown', {}, html);
}

export function mountCds(root) {
  /** Stops following the events of the previous invoke. */
  let stopWatching;
  const serviceSelect = h('select', { id: 'cds-service' });
  const patientInput = h('input', { id: 'cds-patient', required: true, autocomplete: 'off' });
  const orderSelect = h(
    'select',
    { id: 'cds-order' },
    DRAFT_ORDERS.map(([code, name]) => h('option', { value: code }, name)),
  );
  const orderField = h('div.field', {}, h('label', { for: 'cds-order' }, 'Draft order'), orderSelect);
  const prefetchBox = h('input', { id: 'cds-prefetch', type: 'checkbox' });
  const cardsBox = h('div.cards', { 'aria-live': 'polite' });
  const exchange = h('div.exchange');
  let services = [];

  replace(
    root,
    h('h2', {}, 'CDS services'),
    h(
      'form.cds-form',
      { onsubmit: (e) => (e.preventDefault(), void invoke()) },
      h('div.field', {}, h('label', { for: 'cds-service' }, 'Service'), serviceSelect),
      h('div.field', {}, h('label', { for: 'cds-patient' }, 'Patient id'), patientInput),
      orderField,
      h(
        'div.field',
        {},
        prefetchBox,
        h('label', { for: 'cds-prefetch' }, 'Send prefetch (else the gateway fetches it)'),
      ),
      h('button', { type: 'submit' }, 'Invoke'),
    ),
    h('div.split', {}, h('div', {}, h('h3', {}, 'Cards'), cardsBox), exchange),
  );

  const selected = () => services.find((s) => s.id === serviceSelect.value);
  serviceSelect.addEventListener('change', () => (orderField.hidden = !selected()?.hook.startsWith('order-')));

  async function discover() {
    try {
      const { body } = await json('/cds-services');
      services = body.services;
      replace(
        serviceSelect,
        services.map((s) => h('option', { value: s.id }, `${s.title ?? s.id} (${s.hook})`)),
      );
      orderField.hidden = !selected()?.hook.startsWith('order-');
    } catch (error) {
      replace(cardsBox, errorNote(error));
    }
  }

  function context(service, patientId) {
    const base = { userId: 'Practitioner/console', patientId };
    if (service.hook === 'encounter-discharge') return { ...base, encounterId: 'console-encounter' };
    if (!service.hook.startsWith('order-')) return base;
    const [code, display] = DRAFT_ORDERS.find(([c]) => c === orderSelect.value);
    const order = {
      resourceType: 'MedicationRequest',
      id: 'console-draft-1',
      status: 'draft',
      intent: 'order',
      medicationCodeableConcept: { coding: [{ system: RXNORM, code, display }], text: display },
      subject: { reference: `Patient/${patientId}` },
    };
    const draftOrders = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: order }] };
    return service.hook === 'order-select'
      ? { ...base, selections: ['MedicationRequest/console-draft-1'], draftOrders }
      : { ...base, draftOrders };
  }

  /** The service's prefetch templates filled from the context and fetched as the EHR would. */
  async function prefetchFor(service, ctx) {
    const entries = await Promise.all(
      Object.entries(service.prefetch ?? {}).map(async ([key, template]) => {
        const query = template
          .replace(/\{\{context\.(\w+)\}\}/g, (_, name) => encodeURIComponent(ctx[name] ?? ''))
          .replace(/\{\{userPractitionerId\}\}/g, 'console');
        const { body } = await json(`/fhir/local/${query}`, { headers: { Accept: 'application/fhir+json' } });
        return [key, body];
      }),
    );
    return Object.fromEntries(entries);
  }

  async function invoke() {
    const service = selected();
    if (!service) return;
    const ctx = context(service, patientInput.value.trim());
    const request = { hook: service.hook, hookInstance: crypto.randomUUID(), context: ctx };
    replace(cardsBox, h('p', {}, 'Invoking…'));
    try {
      if (prefetchBox.checked) request.prefetch = await prefetchFor(service, ctx);
      const response = await call(`/cds-services/${encodeURIComponent(service.id)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(request),
      });
      const body = await response.json();
      const requestId = response.headers.get('X-Request-Id');
      showExchange(request, body, requestId);
      if (!response.ok) throw new Error(body.message ?? `HTTP ${response.status}`);
      const cards = body.cards ?? [];
      replace(
        cardsBox,
        cards.length === 0 ? h('p.hint', {}, 'No cards') : cards.map((card) => renderCard(service, card)),
      );
    } catch (error) {
      replace(cardsBox, errorNote(error));
    }
  }

  function showExchange(request, response, requestId) {
    const eventsList = h('ul.story', { 'aria-live': 'polite' });
    const refresh = () =>
      replace(
        eventsList,
        byCorrelation(requestId).map((e) =>
          h(
            'li',
            {},
            `${e.eventType} ${e.sourceSystem} ${e.payload.operation} ${e.payload.outcome} ${e.payload.status}`,
          ),
        ),
      );
    refresh();
    stopWatching?.();
    stopWatching = onEvent((event) => event.correlationId === requestId && refresh());
    replace(
      exchange,
      h('h3', {}, 'Request'),
      jsonBlock(request, 'CDS request'),
      h('h3', {}, 'Response'),
      jsonBlock(response, 'CDS response'),
      h('h3', {}, `Events of request ${requestId}`),
      eventsList,
    );
  }

  function renderCard(service, card) {
    const status = h('p.card-status', { role: 'status' });
    const feedback = async (entry, done) => {
      try {
        const response = await call(`/cds-services/${encodeURIComponent(service.id)}/feedback`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            feedback: [{ card: card.uuid, outcomeTimestamp: new Date().toISOString(), ...entry }],
          }),
        });
        if (!response.ok) throw new Error(`feedback refused (HTTP ${response.status})`);
        status.textContent = done;
        article.querySelectorAll('button, select').forEach((control) => (control.disabled = true));
      } catch (error) {
        status.textContent = error.message;
      }
    };
    const reasons = service.overrideReasons?.length
      ? service.overrideReasons
      : (card.overrideReasons ?? DEFAULT_OVERRIDE_REASONS);
    const reasonSelect = h(
      'select',
      { 'aria-label': 'Override reason' },
      reasons.map((r, i) => h('option', { value: i }, r.display ?? r.code)),
    );
    const article = h(
      'article',
      { class: `card ${card.indicator}`, 'aria-label': `${card.indicator} card: ${card.summary}` },
      h('header', {}, h('span.indicator', {}, card.indicator), h('h4', {}, card.summary)),
      card.detail ? markdown(card.detail) : null,
      card.source
        ? h(
            'p.source',
            {},
            'Source: ',
            card.source.url
              ? h('a', { href: card.source.url, target: '_blank', rel: 'noopener noreferrer' }, card.source.label)
              : card.source.label,
          )
        : null,
      (card.suggestions ?? []).map((suggestion) =>
        h(
          'div.suggestion',
          {},
          h(
            'button',
            {
              type: 'button',
              disabled: !card.uuid || !suggestion.uuid,
              onclick: () =>
                void feedback(
                  { outcome: 'accepted', acceptedSuggestions: [{ id: suggestion.uuid }] },
                  `Accepted: ${suggestion.label}`,
                ),
            },
            `Accept: ${suggestion.label}`,
          ),
          (suggestion.actions ?? []).length
            ? h('span.hint', {}, ` ${suggestion.actions.map((a) => a.description ?? a.type).join('; ')}`)
            : null,
        ),
      ),
      (card.links ?? []).length
        ? h(
            'ul.links',
            {},
            card.links.map((link) =>
              h('li', {}, h('a', { href: link.url, target: '_blank', rel: 'noopener noreferrer' }, link.label)),
            ),
          )
        : null,
      card.uuid
        ? h(
            'div.override',
            {},
            reasonSelect,
            h(
              'button.secondary',
              {
                type: 'button',
                onclick: () =>
                  void feedback(
                    { outcome: 'overridden', overrideReason: { reason: reasons[Number(reasonSelect.value)] } },
                    'Overridden',
                  ),
              },
              'Override',
            ),
          )
        : h('p.hint', {}, 'This card has no uuid: no feedback possible'),
      status,
    );
    return article;
  }

  void discover();
  return {
    usePatient(id) {
      patientInput.value = id;
    },
  };
}
