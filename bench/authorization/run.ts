/**
 * bench:authorization — a read, a search and a search of every type of a
 * patient's compartment (`Patient/{id}/*`) through /fhir/local with SMART
 * enforcement on (patient/ scopes, verification cached) against the
 * same gateway with inbound auth off, same run; runs alternate (off, on, off,
 * on) so that drift in the machine's load hits both alike, and the two "off"
 * runs give the A/A noise band.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bundle, Observation } from '@medplum/fhirtypes';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { load, ratio, type LoadResult } from '../support/autocannon';
import { startGatewayProcess } from '../support/gateway-process';
import { CpuPerRequest } from '../support/server-cpu';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const AUDIENCE = 'https://gateway.bench/fhir';

/** A local issuer: its JWK Set over HTTP, and the tokens it signs. */
async function startIssuer() {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench-1', alg: 'ES256', use: 'sig' };
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const token = (claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'bench-1' })
      .setIssuer(issuer)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
  return { issuer, jwksUrl: `${issuer}/jwks`, token, close: () => server.close() };
}

async function sampleObservation(url: string, headers?: Record<string, string>) {
  const bundle = (await (
    await fetch(`${url}/fhir/local/Observation?_count=1`, { headers })
  ).json()) as Bundle<Observation>;
  const observation = bundle.entry![0].resource!;
  return { id: observation.id!, patient: observation.subject!.reference! };
}

void (async () => {
  const issuer = await startIssuer();
  const common = { FHIR_SEED_PATIENTS: '100', GATEWAY_PUBLIC_URL: 'https://gateway.bench' };
  const off = await startGatewayProcess({ ...common, GATEWAY_AUTH: 'none' });
  const on = await startGatewayProcess({
    ...common,
    GATEWAY_AUTH: 'smart',
    SMART_ISSUERS: JSON.stringify({ [issuer.issuer]: issuer.jwksUrl }),
    SMART_AUDIENCE: AUDIENCE,
  });
  try {
    const system = { authorization: `Bearer ${await issuer.token({ scope: 'system/*.rs', sub: 'bench' })}` };
    // Each gateway seeds its own store: one observation (and its patient) from each.
    const offSample = await sampleObservation(off.url);
    const onSample = await sampleObservation(on.url, system);
    const patientToken = async (scope: string) => ({
      authorization: `Bearer ${await issuer.token({
        scope: `launch/patient ${scope}`,
        sub: 'bench-user',
        client_id: 'bench-app',
        patient: onSample.patient.split('/')[1],
      })}`,
    });
    // A search of every type of the compartment, with a token that reaches every type (the same answer as off).
    const tokens = {
      read: await patientToken('patient/Observation.rs'),
      search: await patientToken('patient/Observation.rs'),
      compartment: await patientToken('patient/*.rs'),
    };
    const paths = (sample: { id: string; patient: string }) => ({
      read: `Observation/${sample.id}`,
      search: `Observation?patient=${sample.patient}&_count=10`,
      compartment: `${sample.patient}/*?_count=10`,
    });
    const rows: string[] = [];
    for (const request of ['read', 'search', 'compartment'] as const) {
      const offUrl = `${off.url}/fhir/local/${paths(offSample)[request]}`;
      const onUrl = `${on.url}/fhir/local/${paths(onSample)[request]}`;
      const onHeaders = tokens[request];
      await load(offUrl, CONNECTIONS, 1); // warm-up
      await load(onUrl, CONNECTIONS, 1, undefined, onHeaders);
      // CPU time of the gateway process per request: steadier than requests per second on a shared machine.
      const cpu = {
        off1: new CpuPerRequest(),
        on1: new CpuPerRequest(),
        off2: new CpuPerRequest(),
        on2: new CpuPerRequest(),
      };
      const offRun = (meter: CpuPerRequest) =>
        meter.measure(off.process, SECONDS, () => load(offUrl, CONNECTIONS, SECONDS));
      const onRun = (meter: CpuPerRequest) =>
        meter.measure(on.process, SECONDS, () => load(onUrl, CONNECTIONS, SECONDS, undefined, onHeaders));
      const runs: Record<'off1' | 'on1' | 'off2' | 'on2', LoadResult> = {
        off1: await offRun(cpu.off1),
        on1: await onRun(cpu.on1),
        off2: await offRun(cpu.off2),
        on2: await onRun(cpu.on2),
      };
      const offCpu = (cpu.off1.value + cpu.off2.value) / 2;
      const onCpu = (cpu.on1.value + cpu.on2.value) / 2;
      const offRate = (runs.off1.requestsPerSecond + runs.off2.requestsPerSecond) / 2;
      const onRate = (runs.on1.requestsPerSecond + runs.on2.requestsPerSecond) / 2;
      const failures = Object.values(runs).reduce((sum, run) => sum + run.errors + run.non2xx, 0);
      rows.push(
        `| ${request} | ${Math.round(offRate)} | ${Math.round(onRate)} | ${ratio(onRate, offRate)} | ` +
          `${ratio(runs.off2.requestsPerSecond, runs.off1.requestsPerSecond)} | ${runs.off1.p50} / ${runs.on1.p50} | ` +
          `${Math.round(offCpu)} / ${Math.round(onCpu)} | ${ratio(offCpu, onCpu)} | ${ratio(cpu.off1.value, cpu.off2.value)} | ${failures} |`,
      );
    }
    console.log(
      `SMART enforcement (patient/Observation.rs; patient/*.rs for Patient/{id}/*; cached verification) vs inbound auth off, /fhir/local, ${CONNECTIONS} connections, 2 x ${SECONDS} s each, alternated`,
    );
    console.log(
      '| request | off req/s | on req/s | on/off (>= 0.9) | A/A off2/off1 | p50 ms off / on | CPU us/req off / on | CPU off/on | CPU A/A | errors |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    rows.forEach((row) => console.log(row));
  } finally {
    off.process.kill();
    on.process.kill();
    issuer.close();
  }
})();
