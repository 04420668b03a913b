import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { FeedbackStore } from '@ehr-gateway/cds';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, launchChromium, seriousAccessibilityViolations } from './support/browser';
import { createTestGateway } from './support/gateway-app';

type FhirKitClient = import('fhir-kit-client').Client;
/** The few fields these tests read from resources found by search. */
interface FhirFields {
  id: string;
  name: Array<{ family: string }>;
  patient: { reference: string };
}

const API_KEY = 'console-browser-key-0123456789';
const auth = { 'x-api-key': API_KEY };
const DOCS = join(__dirname, '..', 'docs');
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
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
    });
    mkdirSync(DOCS, { recursive: true });
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

    await page.screenshot({ path: join(DOCS, 'console-events.png') });
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it('finds a seeded patient in the patient browser and shows their record', async () => {
    await show('patients');
    const [patient] = await search('Patient?_count=1');
    const family: string = patient.name[0].family;
    await page.locator('#patient-source option[value="local"]').waitFor({ state: 'attached' });
    await page.fill('#patient-name', family);
    await page.press('#patient-name', 'Enter');
    const result = page.locator('.results button', { hasText: family }).first();
    await result.waitFor();
    await result.click();
    await page.locator('.patient h4', { hasText: 'Conditions' }).waitFor();
    await page.locator('.patient h4', { hasText: 'Observations' }).waitFor();
    expect(await page.locator('.patient h3').textContent()).toContain(family);
    await page.screenshot({ path: join(DOCS, 'console-patients.png') });
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
    await page.click('.cds-form button[type="submit"]');
    const card = page.locator('article.card.critical').first();
    await card.waitFor();
    expect(await card.locator('.indicator').textContent()).toBe('critical');
    expect(await card.locator('.markdown').count()).toBe(1);

    const sent = page.waitForRequest((request) => request.url().endsWith('/cds-services/allergy-check/feedback'));
    await card.locator('.suggestion button').first().click();
    const feedbackRequest = await sent;
    const body = feedbackRequest.postDataJSON() as {
      feedback: Array<{ outcome: string; acceptedSuggestions: unknown[] }>;
    };
    expect(body.feedback[0]).toMatchObject({ outcome: 'accepted', acceptedSuggestions: [{ id: expect.any(String) }] });
    await card.locator('.card-status', { hasText: 'Accepted' }).waitFor();
    expect(feedback.count('allergy-check')).toBe(before + 1);
    await page.screenshot({ path: join(DOCS, 'console-cds.png') });
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it('sends a note through ProcessDocument and shows the entries the handler added', async () => {
    await show('notereader');
    await page.click('text=Use the sample progress note');
    await page.locator('#cda-chosen', { hasText: 'sample' }).waitFor();
    await page.click('#view-notereader button[type="submit"]');
    await page.locator('.added-entry').first().waitFor();
    const added = await page.locator('.added-entry').allTextContents();
    expect(added.some((entry) => /pneumonia/i.test(entry))).toBe(true);
    await page.screenshot({ path: join(DOCS, 'console-notereader.png') });
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it('ran under the strict CSP without a single violation', () => {
    expect(cspViolations).toEqual([]);
  });
});
