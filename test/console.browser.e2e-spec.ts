import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { FeedbackStore } from '@ehr-gateway/cds';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, SCREENSHOTS, launchChromium, seriousAccessibilityViolations } from './support/browser';
import { createTestGateway } from './support/gateway-app';
import { TcpProxy } from './support/tcp-proxy';
import { SHARED_FIXTURES } from './support/fixtures';

type FhirKitClient = import('fhir-kit-client').Client;
/** The few fields these tests read from resources found by search. */
interface FhirFields {
  id: string;
  name: Array<{ family: string }>;
  patient: { reference: string };
}

const API_KEY = 'console-browser-key-0123456789';
const auth = { 'x-api-key': API_KEY };
const CDA_FIXTURE = join(SHARED_FIXTURES, 'cda', 'epic-style-note.xml');
/** The NoteReader page test uploads a shared fixture: skipped (reported by Jest) on a clone without them. */
const itWithCdaFixture = existsSync(CDA_FIXTURE) ? it : it.skip;
const chromiumPresent = existsSync(CHROMIUM);
if (!chromiumPresent && process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing (required under CI=true)`);
if (!chromiumPresent) console.log(`skipping console browser tests: ${CHROMIUM} not found`);

/** The console in headless Chromium against the real gateway, with other clients making calls beside it. */
(chromiumPresent ? describe : describe.skip)('console in a browser (e2e)', () => {
  let app: INestApplication;
  let base: string;
  let browser: Browser;
  let page: Page;
  let fhir: FhirKitClient;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    app = await createTestGateway({ GATEWAY_API_KEYS: API_KEY, FHIR_SEED_PATIENTS: '12' });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    const { Client } = await import('fhir-kit-client');
    fhir = new Client({ baseUrl: `${base}/fhir/local`, customHeaders: auth });
    browser = await launchChromium();
    // One browser context: its tabs share cookies and localStorage, each has its own sessionStorage.
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
    });
    await page.goto(`${base}/`);
    // The API asks for a key: the console prompts once and keeps it for this tab.
    await page.locator('#key-dialog[open]').waitFor();
    await page.fill('#key-input', API_KEY);
    await page.press('#key-input', 'Enter');
    await page.locator('#stream-state', { hasText: 'Event stream: Live' }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const show = async (view: string) => {
    await page.click(`#tab-${view}`);
    await page.locator(`#view-${view}`).waitFor({ state: 'visible' });
  };

  const search = async (query: string) =>
    (
      (await fhir.search({
        resourceType: query.split('?')[0],
        searchParams: Object.fromEntries(new URLSearchParams(query.split('?')[1])),
      })) as unknown as {
        entry?: Array<{ resource: FhirFields }>;
      }
    ).entry?.map((entry) => entry.resource) ?? [];

  it('shows FHIR, CDS and NoteReader events live as another client makes the calls', async () => {
    await show('events');
    const [patient] = await search('Patient?_count=1');
    await fhir.read({ resourceType: 'Patient', id: patient.id });
    const cds = await fetch(`${base}/cds-services/vitals-review`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        hook: 'patient-view',
        hookInstance: '0c1d6b7e-4a51-4f0e-9d35-5d4a9d3e2b11',
        context: { userId: 'Practitioner/1', patientId: patient.id },
      }),
    });
    expect(cds.status).toBe(200);
    const soap = await import('soap');
    const client = await soap.createClientAsync(`${base}/notereader?wsdl`, { wsdl_headers: auth });
    client.addHttpHeader('x-api-key', API_KEY);
    client.setEndpoint(`${base}/notereader`);
    const note = await fetch(`${base}/console/samples/progress-note.xml`).then((r) => r.text());
    await client.ProcessDocumentAsync({
      SessionID: 'browser-test',
      WorkType: '1',
      OrganizationID: 'TEST',
      Document: Buffer.from(note).toString('base64'),
    });

    for (const type of ['fhir.read', 'cds.patient.view', 'notereader.process.note']) {
      await page.locator(`tr[data-event-type="${type}"]`).first().waitFor();
    }
    const readRow = page.locator('tr[data-event-type="fhir.read"]').first();
    await expect(readRow.textContent()).resolves.toContain(`Patient/${patient.id}`);

    // One request's whole story: the CDS invoke and the FHIR reads its prefetch made.
    await page.locator('tr[data-event-type="cds.patient.view"]').first().focus();
    await page.keyboard.press('Enter');
    await page.locator('.detail h3', { hasText: 'cds.patient.view' }).waitFor();
    const story = await page.locator('.detail .story li').allTextContents();
    expect(story.some((line) => line.includes('fhir.'))).toBe(true);
    expect(story.some((line) => line.includes('cds.patient.view'))).toBe(true);

    await page.screenshot({ path: join(SCREENSHOTS, 'console-events.png') });
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it('pauses and resumes the live table, and charts the rates with the failure highlighted', async () => {
    await show('events');
    const pause = page.locator('#view-events button[aria-pressed]');
    await pause.click();
    await page.locator('#view-events button[aria-pressed="true"]', { hasText: 'Resume' }).waitFor();
    const counted = Number((await page.locator('#view-events .count').textContent())!.split(' ')[0]);

    // A read of a patient that does not exist: one fhir.read event, a failure (404).
    await expect(fhir.read({ resourceType: 'Patient', id: 'paused-missing' })).rejects.toBeDefined();
    await page.locator('#view-events .count', { hasText: `${counted + 1} events (paused)` }).waitFor();
    expect(await page.locator('#view-events tbody tr', { hasText: 'Patient/paused-missing' }).count()).toBe(0);

    await pause.click();
    await page.locator('#view-events tr.failure[data-event-type="fhir.read"]', { hasText: 'paused-missing' }).waitFor();

    // Rates: per minute (one bar each, failures in red) and per type; that read is the only failure so far.
    await page.click('#refresh-rates');
    const readRates = page.locator('.rates-table tbody tr', { has: page.locator('th', { hasText: /^fhir\.read$/ }) });
    await readRates.waitFor();
    expect(await readRates.getAttribute('class')).toBe('failure');
    expect(await readRates.locator('td').nth(1).textContent()).toBe('1');
    const perMinute = (await page.locator('svg.rates').getAttribute('aria-label'))!.split(': ')[1].split(', ');
    expect(perMinute).toHaveLength(15);
    const failedBars = await page
      .locator('svg.rates rect.failed')
      .evaluateAll((bars) => bars.map((bar) => Number(bar.getAttribute('height'))).filter((height) => height > 0));
    expect(failedBars).toHaveLength(1);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it('finds a seeded patient in the patient browser and shows their record', async () => {
    await show('patients');
    const [patient] = await search('Patient?_count=1');
    const family: string = patient.name[0].family;
    // Three temperatures (oldest first by date, created out of order) and a second version of the patient.
    for (const [day, value] of [
      ['2026-11-03', 38.2],
      ['2026-11-01', 36.8],
      ['2026-11-02', 37.5],
    ] as const) {
      await fhir.create({
        resourceType: 'Observation',
        body: {
          resourceType: 'Observation',
          status: 'final',
          category: [
            {
              coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }],
            },
          ],
          code: { coding: [{ system: 'http://loinc.org', code: '8310-5' }], text: 'Console test temperature' },
          subject: { reference: `Patient/${patient.id}` },
          effectiveDateTime: `${day}T08:00:00Z`,
          valueQuantity: { value, unit: 'Cel', system: 'http://unitsofmeasure.org', code: 'Cel' },
        },
      });
    }
    const current = await fhir.read({ resourceType: 'Patient', id: patient.id });
    await fhir.update({
      resourceType: 'Patient',
      id: patient.id,
      body: { ...current, resourceType: 'Patient', active: true },
    });
    await page.locator('#patient-source option[value="local"]').waitFor({ state: 'attached' });
    await page.fill('#patient-name', family);
    await page.press('#patient-name', 'Enter');
    const result = page.locator('.results button', { hasText: family }).first();
    await result.waitFor();
    await result.click();
    await page.locator('.patient h4', { hasText: 'Conditions' }).waitFor();
    await page.locator('.patient h4', { hasText: 'Observations' }).waitFor();
    expect(await page.locator('.patient h3').textContent()).toContain(family);
    const trend = page.locator('.trends .trend', { hasText: 'Console test temperature' });
    await expect(trend.locator('svg.sparkline').getAttribute('aria-label')).resolves.toBe(
      'Console test temperature: 36.8, 37.5, 38.2',
    );
    expect(await trend.locator('polyline').getAttribute('points')).toMatch(/^(\S+,\S+ ){2}\S+,\S+$/);

    await page.click('.patient button:has-text("Patient JSON and history")');
    const versions = page.locator('ol.history li');
    await versions.nth(1).waitFor();
    expect((await versions.allTextContents()).map((line) => line.split(' · ')[0])).toEqual(['version 2', 'version 1']);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-patients.png') });
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it('renders a critical allergy card for a penicillin order and sends feedback when its suggestion is accepted', async () => {
    const allergies = await search('AllergyIntolerance?code=7980&_count=1');
    expect(allergies).toHaveLength(1);
    const patientId = String(allergies[0].patient.reference).split('/')[1];
    const feedback = app.get(FeedbackStore);
    const before = feedback.count('allergy-check');

    await show('cds');
    await page.locator('#cds-service option[value="allergy-check"]').waitFor({ state: 'attached' });
    await page.selectOption('#cds-service', 'allergy-check');
    await page.fill('#cds-patient', patientId);
    await page.selectOption('#cds-order', '308182');
    expect(await page.isChecked('#cds-prefetch')).toBe(false);
    await page.click('.cds-form button[type="submit"]');
    const card = page.locator('article.card.critical').first();
    await card.waitFor();
    expect(await card.locator('.indicator').textContent()).toBe('critical');
    expect(await card.locator('.markdown').count()).toBe(1);
    // Invoked without prefetch: the gateway fetched it, so the request's story holds its FHIR reads.
    await page.locator('#view-cds .story li', { hasText: 'cds.order.sign' }).waitFor();
    const story = await page.locator('#view-cds .story li').allTextContents();
    expect(story.filter((line) => line.startsWith('fhir.')).length).toBeGreaterThan(0);

    const sent = page.waitForRequest((request) => request.url().endsWith('/cds-services/allergy-check/feedback'));
    await card.locator('.suggestion button').first().click();
    const feedbackRequest = await sent;
    const body = feedbackRequest.postDataJSON() as {
      feedback: Array<{ outcome: string; acceptedSuggestions: unknown[] }>;
    };
    expect(body.feedback[0]).toMatchObject({ outcome: 'accepted', acceptedSuggestions: [{ id: expect.any(String) }] });
    await card.locator('.card-status', { hasText: 'Accepted' }).waitFor();
    expect(feedback.count('allergy-check')).toBe(before + 1);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-cds.png') });
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it('invokes with the prefetch the console fetched, and sends overridden feedback with a reason', async () => {
    const [allergy] = await search('AllergyIntolerance?code=7980&_count=1');
    const patientId = String(allergy.patient.reference).split('/')[1];
    const feedback = app.get(FeedbackStore);
    const before = feedback.count('allergy-check');

    await show('cds');
    await page.selectOption('#cds-service', 'allergy-check');
    await page.fill('#cds-patient', patientId);
    await page.selectOption('#cds-order', '308182');
    await page.check('#cds-prefetch');
    const invoked = page.waitForRequest(
      (request) => request.method() === 'POST' && request.url().endsWith('/cds-services/allergy-check'),
    );
    await page.click('.cds-form button[type="submit"]');
    const invokeBody = (await invoked).postDataJSON() as { prefetch?: Record<string, { resourceType: string }> };
    expect(invokeBody.prefetch?.allergies?.resourceType).toBe('Bundle');
    const card = page.locator('article.card.critical').first();
    await card.waitFor();
    // With prefetch, the gateway read nothing itself for this request.
    await page.locator('#view-cds .story li', { hasText: 'cds.order.sign' }).waitFor();
    const story = await page.locator('#view-cds .story li').allTextContents();
    expect(story.filter((line) => line.startsWith('fhir.'))).toEqual([]);

    await card.locator('.override select').selectOption({ label: 'Benefit outweighs the risk' });
    const sent = page.waitForRequest((request) => request.url().endsWith('/cds-services/allergy-check/feedback'));
    const answered = page.waitForResponse((response) =>
      response.url().endsWith('/cds-services/allergy-check/feedback'),
    );
    await card.locator('.override button', { hasText: 'Override' }).click();
    const body = (await sent).postDataJSON() as { feedback: Array<Record<string, unknown>> };
    expect(body.feedback[0]).toMatchObject({
      outcome: 'overridden',
      overrideReason: { reason: { code: 'benefit', system: 'urn:ehr-gateway:override' } },
    });
    const response = await answered;
    expect(response.status()).toBe(200);
    await card.locator('.card-status', { hasText: 'Overridden' }).waitFor();
    expect(feedback.count('allergy-check')).toBe(before + 1);

    // The feedback endpoint's own event reached the live table.
    const feedbackRequestId = (await response.allHeaders())['x-request-id'];
    await show('events');
    const feedbackRow = page.locator(`tr[data-event-type="ehr.generic"]`, { hasText: feedbackRequestId });
    await feedbackRow.waitFor();
    expect(await feedbackRow.textContent()).toContain('feedback');
  });

  it('sends a note through ProcessDocument and shows the entries the handler added', async () => {
    await show('notereader');
    await page.click('text=Use the sample progress note');
    await page.locator('#cda-chosen', { hasText: 'sample' }).waitFor();
    await page.click('#view-notereader button[type="submit"]');
    await page.locator('.added-entry').first().waitFor();
    const added = await page.locator('.added-entry').allTextContents();
    expect(added.some((entry) => /pneumonia/i.test(entry))).toBe(true);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  itWithCdaFixture(
    'uploads a fixture CDA and shows its sections, the FHIR resources mapped and the added entries highlighted',
    async () => {
      await show('notereader');
      await page.setInputFiles('#cda-file', CDA_FIXTURE);
      await page.locator('#cda-chosen', { hasText: 'epic-style-note.xml' }).waitFor();
      await page.click('#view-notereader button[type="submit"]');
      await page.locator('table.resources').waitFor();

      // The fixture's sections (its titles, read by hand from the file).
      const sections = await page.locator('table.sections tbody th').allTextContents();
      expect(sections).toEqual(
        expect.arrayContaining([
          'Active Allergies and Adverse Reactions - as of 09/16/2014',
          'Current Medications - as of 09/16/2014',
          'Problems - as of 09/16/2014',
          'Progress Notes',
        ]),
      );
      // Its narrative says "Associated symptoms include nausea" and "The headache is rated...":
      // the sample handler adds both as problems; the allergies and medications it had are mapped, not added.
      const addedEntries = await page.locator('.added-entry mark').allTextContents();
      expect(addedEntries).toEqual(
        expect.arrayContaining([expect.stringMatching(/^Nausea /), expect.stringMatching(/^Headache /)]),
      );
      const addedResources = page.locator('table.resources tr.added-resource');
      expect(await addedResources.locator('mark').allTextContents()).toEqual(
        expect.arrayContaining(['Nausea', 'Headache']),
      );
      expect(await addedResources.locator('th').allTextContents()).toEqual(
        (await addedResources.locator('th').allTextContents()).map(() => 'Condition'),
      );
      const mappedTypes = await page.locator('table.resources tbody th').allTextContents();
      expect(mappedTypes).toEqual(
        expect.arrayContaining(['AllergyIntolerance', 'MedicationStatement', 'DocumentReference']),
      );
      expect(
        await page.locator('table.resources tr[data-resource-type="AllergyIntolerance"].added-resource').count(),
      ).toBe(0);

      // The request's events: received and signed, then processed.
      await page.locator('.note-result .story li', { hasText: 'notereader.process.note' }).waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, 'console-notereader.png'), fullPage: true });
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
    },
  );

  it('resumes with Last-Event-ID after the connection drops, losing no event', async () => {
    const proxy = await new TcpProxy('127.0.0.1', (app.getHttpServer().address() as AddressInfo).port).start();
    let viewer: Page | undefined;
    try {
      // Another origin (the proxy's port), so this tab asks for the key too.
      viewer = await page.context().newPage();
      await viewer.goto(`http://127.0.0.1:${proxy.port}/`);
      await viewer.locator('#key-dialog[open]').waitFor();
      await viewer.fill('#key-input', API_KEY);
      await viewer.press('#key-input', 'Enter');
      await viewer.locator('#stream-state', { hasText: 'Event stream: Live' }).waitFor();
      await expect(fhir.read({ resourceType: 'Patient', id: 'before-drop' })).rejects.toBeDefined();
      const lastSeen = viewer.locator('tr[data-event-type="fhir.read"]', { hasText: 'before-drop' });
      await lastSeen.waitFor();
      const lastId = await lastSeen.getAttribute('data-event-id');

      await proxy.stop();
      await viewer.locator('#stream-state', { hasText: 'Reconnecting' }).waitFor();
      const missed = ['missed-1', 'missed-2', 'missed-3'];
      for (const id of missed) await expect(fhir.read({ resourceType: 'Patient', id })).rejects.toBeDefined();

      const resumed = viewer.waitForRequest(
        (request) => request.url().includes('/events/stream') && request.headers()['last-event-id'] !== undefined,
      );
      await proxy.start();
      expect((await resumed).headers()['last-event-id']).toBe(lastId);
      await viewer.locator('#stream-state', { hasText: 'Event stream: Live' }).waitFor();
      for (const id of missed) await viewer.locator('tr[data-event-type="fhir.read"]', { hasText: id }).waitFor();
      expect(await viewer.locator('#stream-state').textContent()).toBe('Event stream: Live');
    } finally {
      await viewer?.close();
      await proxy.stop();
    }
  });

  it('keeps the API key for this tab only: a reload keeps it, another tab asks again', async () => {
    await page.reload();
    await page.locator('#stream-state', { hasText: 'Event stream: Live' }).waitFor();
    expect(await page.locator('#key-dialog').getAttribute('open')).toBeNull();
    expect(await page.evaluate(() => Object.keys(sessionStorage))).toEqual(['ehr-gateway.console.apiKey']);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    const other = await page.context().newPage();
    await other.goto(`${base}/`);
    await other.locator('#key-dialog[open]').waitFor();
    expect(await other.evaluate(() => sessionStorage.length)).toBe(0);
    await other.close();
  });

  it('ran under the strict CSP without a single violation', () => {
    expect(cspViolations).toEqual([]);
  });
});
