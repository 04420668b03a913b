import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { CareTeam, Observation, Practitioner } from '@medplum/fhirtypes';
import { EHREventType, type EHREvent } from '@ehr-gateway/events';
import { FhirGateway } from '@ehr-gateway/fhir';
import { CareTeamPolicy } from '../docs/examples/care-team-policy';
import { bundleIds as ids, followPages, seededPatients, subjectsOf } from './support/authorization-fixtures';
import { eventsOf, EventLogModule, payloadOf } from './support/event-log';
import { createTestGateway } from './support/gateway-app';
import { SmartAuthorizationServer } from './support/smart-authorization-server';

const AUDIENCE = 'https://gateway.example.org/fhir';

describe('An access policy added to the SMART policy: the care-team example (docs/examples/care-team-policy.ts)', () => {
  let authServer: SmartAuthorizationServer;
  let app: INestApplication;
  let alice: string;
  let bob: string;
  /** A practitioner on an active care team of alice's, one on bob's inactive team only. */
  let doctor: string;
  let outsider: string;
  let observationsOf: Map<string, Observation[]>;
  let events: () => Promise<EHREvent[]>;

  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    authServer = await new SmartAuthorizationServer(AUDIENCE).start();
    app = await createTestGateway(authServer.gatewayEnv(), [EventLogModule], { accessPolicies: [CareTeamPolicy] });
    events = eventsOf(app);
    // The gateway's own code (no caller): the data the policy finds through its FHIR search.
    ({ alice, bob, observationsOf } = await seededPatients(app));
    const fhir = app.get(FhirGateway);
    const practitioner = async (family: string) =>
      (await fhir.create<Practitioner>({ resourceType: 'Practitioner', name: [{ family }] })).id!;
    doctor = await practitioner('Doctor');
    outsider = await practitioner('Outsider');
    const team = (patient: string, member: string, status: CareTeam['status']) =>
      fhir.create<CareTeam>({
        resourceType: 'CareTeam',
        status,
        subject: { reference: `Patient/${patient}` },
        participant: [{ member: { reference: `Practitioner/${member}` } }],
      });
    await team(alice, doctor, 'active');
    await team(bob, outsider, 'inactive');
  });

  afterAll(async () => {
    await app?.close();
    await authServer?.stop();
  });

  describe('a practitioner with user/*.rs, on alice’s care team', () => {
    let token: string;

    beforeAll(async () => {
      token = await authServer.authorizationCodeToken('user/*.rs', `Practitioner/${doctor}`);
    });

    it('reads alice and her observations; bob and his are refused', async () => {
      await http().get(`/fhir/local/Patient/${alice}`).auth(token, { type: 'bearer' }).expect(200);
      const [aliceObservation] = observationsOf.get(alice)!;
      await http().get(`/fhir/local/Observation/${aliceObservation.id}`).auth(token, { type: 'bearer' }).expect(200);
      const patient = await http().get(`/fhir/local/Patient/${bob}`).auth(token, { type: 'bearer' });
      expect(patient.status).toBe(403);
      expect(patient.body.issue[0].diagnostics).toBe(
        'Access denied: the patient is not on the practitioner’s care team',
      );
      const [bobObservation] = observationsOf.get(bob)!;
      await http().get(`/fhir/local/Observation/${bobObservation.id}`).auth(token, { type: 'bearer' }).expect(403);
    });

    it('searches only alice’s records, whatever it asks for, on every page', async () => {
      const patients = await http().get('/fhir/local/Patient').auth(token, { type: 'bearer' });
      expect(ids(patients.body)).toEqual([`Patient/${alice}`]);
      const bobs = await http().get(`/fhir/local/Observation?subject=Patient/${bob}`).auth(token, { type: 'bearer' });
      expect(bobs.status).toBe(200);
      expect(bobs.body.entry ?? []).toEqual([]);
      const pages = await followPages(app, '/fhir/local/Observation?_count=3', token, (response) => {
        expect(response.status).toBe(200);
        expect(subjectsOf(response.body)).toEqual(new Set([`Patient/${alice}`]));
      });
      expect(pages.length).toBeGreaterThan(1);
      expect(pages.flatMap(ids).sort()).toEqual(
        observationsOf
          .get(alice)!
          .map((o) => `Observation/${o.id}`)
          .sort(),
      );
    });

    it('records the added policy’s denial in the operation’s event, with the caller', async () => {
      await events();
      await http().get(`/fhir/local/Patient/${bob}`).auth(token, { type: 'bearer' }).expect(403);
      const recorded = await events();
      const read = recorded.filter((event) => event.eventType === EHREventType.FHIR_READ);
      expect(read).toHaveLength(1);
      expect(read[0]).toMatchObject({
        payload: { outcome: 'failure', status: 403, resourceType: 'Patient', resourceId: bob },
        metadata: {
          user: `Practitioner/${doctor}`,
          scopes: ['user/*.rs'],
          authorization: { decision: 'deny', reason: 'the patient is not on the practitioner’s care team' },
        },
      });
    });

    it('records the policy’s own CareTeam search as the request’s, with no decision of its own', async () => {
      const newcomer = await app.get(FhirGateway).create<Practitioner>({ resourceType: 'Practitioner' });
      const fresh = await authServer.authorizationCodeToken('user/*.rs', `Practitioner/${newcomer.id}`);
      await events();
      await http().get(`/fhir/local/Patient/${bob}`).auth(fresh, { type: 'bearer' }).set('X-Request-Id', 'care-team-1');
      const lookups = (await events()).filter((event) => payloadOf(event).resourceType === 'CareTeam');
      expect(lookups).toHaveLength(1);
      expect(lookups[0]).toMatchObject({ eventType: 'fhir.search', correlationId: 'care-team-1' });
      expect(lookups[0].metadata.user).toBe(`Practitioner/${newcomer.id}`);
      expect(lookups[0].metadata.authorization).toBeUndefined();
    });

    it('reaches resources that belong to no patient (practitioners), which the care team does not govern', async () => {
      await http().get(`/fhir/local/Practitioner/${outsider}`).auth(token, { type: 'bearer' }).expect(200);
    });
  });

  it('the SMART policy still decides first: a user/Observation.rs token may not read alice’s Patient', async () => {
    const token = await authServer.authorizationCodeToken('user/Observation.rs', `Practitioner/${doctor}`);
    const response = await http().get(`/fhir/local/Patient/${alice}`).auth(token, { type: 'bearer' });
    expect(response.status).toBe(403);
    expect(response.body.issue[0].diagnostics).toContain('user/Patient.r');
  });

  it('a practitioner on no active care team searches nothing and reads no patient', async () => {
    const token = await authServer.authorizationCodeToken('user/*.rs', `Practitioner/${outsider}`);
    const search = await http().get('/fhir/local/Observation').auth(token, { type: 'bearer' });
    expect(search.status).toBe(403);
    expect(search.body.issue[0].diagnostics).toBe('Access denied: the practitioner is on no active care team');
    await http().get(`/fhir/local/Patient/${bob}`).auth(token, { type: 'bearer' }).expect(403);
  });

  it('a patient’s own launch is left to the SMART policy', async () => {
    const token = await authServer.authorizationCodeToken('launch/patient patient/*.rs', bob);
    await http().get(`/fhir/local/Patient/${bob}`).auth(token, { type: 'bearer' }).expect(200);
    await http().get(`/fhir/local/Patient/${alice}`).auth(token, { type: 'bearer' }).expect(403);
  });

  it('a backend service (system/*.rs) is not governed by care teams', async () => {
    const token = await authServer.clientCredentialsToken('system/*.rs');
    await http().get(`/fhir/local/Patient/${bob}`).auth(token, { type: 'bearer' }).expect(200);
  });
});
