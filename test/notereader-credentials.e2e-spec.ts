import type { INestApplication } from '@nestjs/common';
import { createCdaDocument } from '@ehr-gateway/cda';
import type { EHREvent } from '@ehr-gateway/events';
import { BasicAuthSecurity, createClientAsync, WSSecurity, type Client } from 'soap';
import { EventLogModule, eventsOf } from './support/event-log';
import { createTestGateway } from './support/gateway-app';

const USERNAME = 'epic-notereader';
const PASSWORD = 'correct horse battery staple';
const document = Buffer.from(
  createCdaDocument({
    patient: { resourceType: 'Patient', id: 'p', name: [{ family: 'Note' }] },
    notes: [{ loinc: '51847-2', title: 'Assessment and plan', text: 'Stable.' }],
  }).serialize(),
).toString('base64');

describe('NoteReader credentials: HTTP Basic and WS-Security UsernameToken, as Epic sends them', () => {
  let app: INestApplication;
  let url: string;
  let events: () => Promise<EHREvent[]>;

  beforeAll(async () => {
    app = await createTestGateway(
      { NOTEREADER_USERNAME: USERNAME, NOTEREADER_PASSWORD: PASSWORD, GATEWAY_API_KEYS: 'k'.repeat(24) },
      [EventLogModule],
    );
    await app.listen(0, '127.0.0.1');
    url = `${await app.getUrl()}/notereader`;
    events = eventsOf(app);
  });
  afterAll(async () => app?.close());

  // The WSDL is served without a credential (the API-key guard leaves NoteReader to its own check).
  const wsdlClient = (): Promise<Client> => createClientAsync(`${url}?wsdl`);
  const call = (client: Client) => client.ProcessDocumentAsync({ SessionID: 'S-1', Document: document });
  const faultOf = async (client: Client) => {
    const error = (await call(client).catch((caught: unknown) => caught)) as {
      root?: { Envelope?: { Body?: { Fault?: { faultcode?: string; faultstring?: string } } } };
    };
    return error.root?.Envelope?.Body?.Fault;
  };

  it('accepts HTTP Basic and a UsernameToken with the configured credential (node-soap client)', async () => {
    const client = await wsdlClient();
    client.setSecurity(new BasicAuthSecurity(USERNAME, PASSWORD));
    const [basic] = (await call(client)) as [{ ProcessDocumentResult: { Document: string } }];
    expect(basic.ProcessDocumentResult.Document).toBeDefined();

    const wsClient = await wsdlClient();
    wsClient.setSecurity(new WSSecurity(USERNAME, PASSWORD, { passwordType: 'PasswordText', hasTimeStamp: false }));
    const [ws] = (await call(wsClient)) as [{ ProcessDocumentResult: { Document: string } }];
    expect(ws.ProcessDocumentResult.Document).toBeDefined();
  });

  it('answers a soap:Client fault to a missing or wrong credential, naming no value, with a failure event', async () => {
    await events();
    const anonymous = await wsdlClient();
    expect(await faultOf(anonymous)).toMatchObject({
      faultcode: 'soap:Client',
      faultstring: expect.stringContaining('Authentication required'),
    });

    const wrongPassword = await wsdlClient();
    wrongPassword.setSecurity(
      new WSSecurity(USERNAME, 'wrong password!', { passwordType: 'PasswordText', hasTimeStamp: false }),
    );
    const fault = await faultOf(wrongPassword);
    expect(fault).toMatchObject({ faultcode: 'soap:Client', faultstring: 'Authentication failed' });

    const wrongUser = await wsdlClient();
    wrongUser.setSecurity(new BasicAuthSecurity('someone-else', PASSWORD));
    expect(await faultOf(wrongUser)).toMatchObject({ faultcode: 'soap:Client', faultstring: 'Authentication failed' });

    const recorded = await events();
    expect(recorded.map((event) => [event.eventType, event.payload.outcome])).toEqual([
      ['notereader.process.note', 'failure'],
      ['notereader.process.note', 'failure'],
      ['notereader.process.note', 'failure'],
    ]);
    expect(JSON.stringify(recorded)).not.toContain('wrong password!');
  });
});
