/**
 * /health latency while one hostile request type runs in a loop (issue 10):
 * sort abuse, a 5 MB NoteReader note, a 5,000-entry transaction, 100,000-deep
 * JSON. /health is probed sequentially for the same time in every phase; the
 * idle phase is run twice (A/A) to show the noise band. Target: p99 < 100 ms.
 *
 *   npm run bench:hostile -- [--seconds 8] [--skip sort]   (--skip: cases whose name contains it)
 */
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { benchDocument } from '../notereader/documents';
import { startGatewayProcess } from '../support/gateway-process';
import { percentiles } from '../support/percentiles';

interface Attack {
  name: string;
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
}

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '8' }, skip: { type: 'string' } } });
const SECONDS = Number(values.seconds);

function attacks(): Attack[] {
  const sortRules = Array.from({ length: 1000 }, (_, i) => (i % 2 ? '-date' : 'code')).join(',');
  const note = benchDocument(4900);
  const envelope =
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><ProcessDocument xmlns="urn:epic-com:Common.2013.Services">' +
    `<SessionID>S</SessionID><Document>${Buffer.from(note).toString('base64')}</Document></ProcessDocument></s:Body></s:Envelope>`;
  const entries = Array.from({ length: 5000 }, () => ({
    request: { method: 'POST', url: 'Patient' },
    resource: { resourceType: 'Patient', name: [{ family: 'Hostile' }] },
  }));
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  const fhir = { 'content-type': 'application/fhir+json' };
  return [
    {
      name: 'sort abuse (1,000 _sort rules, form body)',
      method: 'POST',
      path: '/fhir/local/Observation/_search',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `_count=1&_sort=${sortRules}`,
    },
    {
      name: `5 MB NoteReader note (${(Buffer.byteLength(note) / 1048576).toFixed(1)} MB CDA)`,
      method: 'POST',
      path: '/notereader',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"ProcessDocument"' },
      body: envelope,
    },
    {
      name: '5,000-entry transaction',
      method: 'POST',
      path: '/fhir/local',
      headers: fhir,
      body: JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: entries }),
    },
    {
      name: '100,000-deep JSON in a transaction entry',
      method: 'POST',
      path: '/fhir/local',
      headers: fhir,
      body: `{"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"POST","url":"Patient"},"resource":${deep}}]}`,
    },
  ];
}

/** Sequential /health requests for `seconds`; their latencies in ms. */
async function probeHealth(origin: string, seconds: number): Promise<number[]> {
  const pool = new Pool(origin, { connections: 1 });
  const times: number[] = [];
  const end = Date.now() + seconds * 1000;
  try {
    while (Date.now() < end) {
      const start = process.hrtime.bigint();
      const response = await pool.request({ path: '/health', method: 'GET' });
      await response.body.arrayBuffer();
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  } finally {
    await pool.close();
  }
  return times;
}

/** Sends the attack in a loop until `stop` is set; counts answers by status. */
async function attackLoop(origin: string, attack: Attack, stop: { done: boolean }): Promise<Map<number, number>> {
  const pool = new Pool(origin, { connections: 1, bodyTimeout: 120_000, headersTimeout: 120_000 });
  const statuses = new Map<number, number>();
  try {
    while (!stop.done) {
      const response = await pool.request({
        path: attack.path,
        method: attack.method,
        headers: attack.headers,
        body: attack.body,
      });
      await response.body.arrayBuffer();
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
    }
  } finally {
    await pool.close();
  }
  return statuses;
}

const row = (name: string, times: number[], baselineP99: number, extra = '') => {
  const { p50, p99 } = percentiles(times);
  console.log(
    `| ${name} | ${times.length} | ${p50.toFixed(2)} | ${p99.toFixed(2)} | ${(p99 / baselineP99).toFixed(1)}x | ${p99 < 100 ? 'yes' : 'NO'} | ${extra} |`,
  );
};

void (async () => {
  const gateway = await startGatewayProcess({ FHIR_SEED_PATIENTS: '20', BODY_LIMIT: '10mb' });
  const origin = new URL(gateway.url).origin;
  try {
    await probeHealth(origin, 1); // warm-up
    const idleA = await probeHealth(origin, SECONDS);
    const idleB = await probeHealth(origin, SECONDS);
    const baseline = percentiles(idleA).p99;
    console.log(`/health while each hostile request runs in a loop, ${SECONDS} s per phase\n`);
    console.log('| phase | /health requests | p50 ms | p99 ms | p99 vs idle A | p99 < 100 ms | hostile answers |');
    console.log('| --- | ---: | ---: | ---: | ---: | :---: | --- |');
    row('idle (A)', idleA, baseline);
    row('idle (A/A)', idleB, baseline);
    for (const attack of attacks().filter((a) => !values.skip || !a.name.includes(values.skip))) {
      const stop = { done: false };
      const attacking = attackLoop(origin, attack, stop);
      const times = await probeHealth(origin, SECONDS);
      stop.done = true;
      const statuses = await attacking;
      const answers = [...statuses].map(([status, count]) => `${count}x ${status}`).join(', ');
      row(attack.name, times, baseline, answers);
    }
  } finally {
    gateway.process.kill();
  }
})();
