import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Browser, Page, Request } from 'playwright-core';
import { CHROMIUM, SCREENSHOTS, launchChromium, seriousAccessibilityViolations } from './support/browser';
import { createTestGateway } from './support/gateway-app';
import { unusedPort } from './support/ports';
import { SmartAuthorizationServer } from './support/smart-authorization-server';

const CONSOLE_CLIENT = 'ehr-gateway-console';
const chromiumPresent = existsSync(CHROMIUM);
if (!chromiumPresent && process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing (required under CI=true)`);
if (!chromiumPresent) console.log(`skipping console SMART browser tests: ${CHROMIUM} not found`);

/**
 * The console of a gateway that accepts SMART tokens only: it signs in at a
 * real authorization server (oidc-provider) with the authorization code flow
 * and PKCE, as a public client, and calls the API with the token as Bearer.
 */
(chromiumPresent ? describe : describe.skip)('console SMART sign-in in a browser (e2e)', () => {
  let authorization: SmartAuthorizationServer;
  let app: INestApplication;
  let base: string;
  let browser: Browser;
  let page: Page;
  let patientId: string;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    const port = await unusedPort();
    base = `http://127.0.0.1:${port}`;
    authorization = await new SmartAuthorizationServer(`${base}/fhir`, { [CONSOLE_CLIENT]: `${base}/` }).start();
    app = await createTestGateway({
      ...authorization.gatewayEnv(),
      CONSOLE_SMART_CLIENT_ID: CONSOLE_CLIENT,
      CONSOLE_SMART_SCOPE: 'launch/patient user/*.rs',
    });
    await app.listen(port, '127.0.0.1');
    const token = await authorization.clientCredentialsToken('system/*.rs');
    const bundle = (await fetch(`${base}/fhir/local/Patient?_count=1`, {
      headers: { authorization: `Bearer ${token}` },
    }).then((response) => response.json())) as { entry: Array<{ resource: { id: string } }> };
    patientId = bundle.entry[0].resource.id;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await authorization?.stop();
  });

  it('refuses the console API without a token, and with a patient-level token', async () => {
    expect((await fetch(`${base}/events/status`)).status).toBe(401);
    const patientToken = await authorization.authorizationCodeToken('launch/patient patient/*.rs', patientId);
    const refused = await fetch(`${base}/events/status`, { headers: { authorization: `Bearer ${patientToken}` } });
    expect(refused.status).toBe(403);
    const settings = await fetch(`${base}/console/settings`).then((response) => response.json());
    expect(settings).toEqual({
      apiKeys: false,
      smart: { clientId: CONSOLE_CLIENT, scope: 'launch/patient user/*.rs' },
    });
  });

  it('signs in with SMART (authorization code + PKCE S256) and calls the API with the token as Bearer', async () => {
    const authorize = page.waitForRequest((request) => request.url().startsWith(`${authorization.issuer}/auth`));
    await page.goto(`${base}/#patients`);
    await page.locator('#key-dialog[open]').waitFor();
    expect(await page.locator('#key-fields').isHidden()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-sign-in.png') });
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    await page.click('#smart-sign-in');

    const authorizeUrl = new URL((await authorize).url());
    expect(Object.fromEntries(authorizeUrl.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: CONSOLE_CLIENT,
      redirect_uri: `${base}/`,
      scope: 'launch/patient user/*.rs',
      aud: `${base}/fhir`,
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      state: expect.any(String),
    });

    // The authorization server's own sign-in and consent pages.
    await page.fill('input[name="login"]', patientId);
    await page.fill('input[name="password"]', 'any');
    const tokenRequest = page.waitForRequest(`${authorization.issuer}/token`);
    await page.click('button[type="submit"]');
    await page.locator('button', { hasText: 'Continue' }).click();

    const sent = (await tokenRequest).postData() ?? '';
    const form = new URLSearchParams(sent);
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CONSOLE_CLIENT);
    expect(form.get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43,128}$/);

    // Back on the console: the code is gone from the address bar, the stream is live with the token.
    await page.locator('#stream-state', { hasText: 'Event stream: Live' }).waitFor();
    expect(page.url()).toBe(`${base}/#patients`);
    const stored = await page.evaluate(() => Object.keys(sessionStorage));
    expect(stored).toEqual(['ehr-gateway.console.smartToken']);

    const fhirCall = page.waitForRequest((request: Request) => request.url().includes('/fhir/local/Patient?'));
    await page.locator('#patient-source option[value="local"]').waitFor({ state: 'attached' });
    await page.fill('#patient-name', '');
    await page.press('#patient-name', 'Enter');
    expect((await (await fhirCall).allHeaders()).authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    await page.locator(`.results button[data-patient-id="${patientId}"]`).waitFor();

    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
  });

  it('forgets the token when the tab signs out', async () => {
    await page.click('#forget-key');
    await page.locator('#key-dialog[open]').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('ran under the strict CSP (token endpoint allowed by origin) without a single violation', () => {
    expect(cspViolations).toEqual([]);
  });
});
