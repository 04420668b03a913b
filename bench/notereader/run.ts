/**
 * bench:notereader — (1) CDA parse + map to FHIR + insert + serialize per
 * document, ~30 KB and ~150 KB, one core; (2) end-to-end ProcessDocument at 10
 * connections through the gateway's sample handler against a no-op handler,
 * same payload, same run.
 */
import { join } from 'node:path';
import { CdaDocument } from '@ehr-gateway/cda';
import type { Condition } from '@medplum/fhirtypes';
import { load, ratio } from '../support/autocannon';
import { startGatewayProcess } from '../support/gateway-process';
import { benchDocument } from './documents';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200);

const added: Condition[] = [
  {
    resourceType: 'Condition',
    code: { coding: [{ system: 'http://snomed.info/sct', code: '29857009', display: 'Chest pain' }] },
    subject: { reference: 'Patient/p' },
  },
];

function perDocument(xml: string): number {
  const once = () => {
    const document = CdaDocument.parse(xml);
    document.toFhir();
    document.addResources(added);
    return document.serialize();
  };
  for (let i = 0; i < 20; i++) once(); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) once();
  return Number(process.hrtime.bigint() - start) / 1e6 / ITERATIONS;
}

const envelope = (xml: string) =>
  '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><ProcessDocument xmlns="urn:epic-com:Common.2013.Services">' +
  `<SessionID>bench</SessionID><Document>${Buffer.from(xml).toString('base64')}</Document></ProcessDocument></s:Body></s:Envelope>`;

const post = (url: string, body: string) =>
  load(url, 10, SECONDS, {
    body,
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"ProcessDocument"' },
  });

void (async () => {
  const small = benchDocument(30);
  const large = benchDocument(150);
  console.log(`CDA parse + map to FHIR + insert one entry + serialize, ${ITERATIONS} iterations`);
  console.log('| document | size KB | ms per document | target |');
  console.log('| --- | --- | --- | --- |');
  console.log(`| small | ${(small.length / 1024).toFixed(0)} | ${perDocument(small).toFixed(2)} | <= 5 |`);
  console.log(`| large | ${(large.length / 1024).toFixed(0)} | ${perDocument(large).toFixed(2)} | <= 25 |`);

  const gateway = await startGatewayProcess({ FHIR_SEED_PATIENTS: '0' });
  const noop = await startGatewayProcess({}, join(__dirname, 'noop-server.ts'));
  try {
    const body = envelope(small);
    await post(`${gateway.url}/notereader`, body); // warm-up
    await post(`${noop.url}/notereader`, body);
    const baseline = await post(`${noop.url}/notereader`, body);
    const sample = await post(`${gateway.url}/notereader`, body);
    console.log(`\nEnd-to-end ProcessDocument (~30 KB note), 10 connections, ${SECONDS} s each`);
    console.log('| handler | req/s | p50 ms | p99 ms | errors | ratio |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    console.log(
      `| no-op | ${Math.round(baseline.requestsPerSecond)} | ${baseline.p50} | ${baseline.p99} | ${baseline.errors + baseline.non2xx} | 1.00 |`,
    );
    console.log(
      `| gateway sample (problem extraction) | ${Math.round(sample.requestsPerSecond)} | ${sample.p50} | ${sample.p99} | ${sample.errors + sample.non2xx} | ${ratio(sample.requestsPerSecond, baseline.requestsPerSecond)} |`,
    );
  } finally {
    gateway.process.kill();
    noop.process.kill();
  }
})();
