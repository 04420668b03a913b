import { ComposedAccessPolicy } from './composed-access-policy';
import type { AccessDecision, AccessRequest, FhirAccessPolicy } from './interfaces/access-policy.interface';
import type { Caller } from './interfaces/caller.interface';

const caller: Caller = { credential: 'smart', scopes: [], grantedScopes: [] };
const request: AccessRequest = {
  caller,
  source: 'local',
  permission: 's',
  interaction: 'search',
  resourceType: 'Observation',
};
const policy = (decision: AccessDecision): FhirAccessPolicy => ({
  checkRequest: () => decision,
  checkResource: () => decision,
});
const observation = { resourceType: 'Observation' as const, status: 'final' as const, code: {} };

describe('ComposedAccessPolicy', () => {
  it('applies every narrowing; one parameter named twice must hold both values', async () => {
    const composed = new ComposedAccessPolicy(policy({ allowed: true, narrowing: { patient: 'Patient/a' } }), [
      policy({ allowed: true, narrowing: { patient: 'Patient/a,Patient/b', category: 'laboratory' } }),
    ]);
    expect(await composed.checkRequest(request)).toEqual({
      allowed: true,
      narrowing: { patient: ['Patient/a', 'Patient/a,Patient/b'], category: 'laboratory' },
    });
  });

  it('reaches only part of a type when any policy says so, narrowing or not', async () => {
    const partial = new ComposedAccessPolicy(policy({ allowed: true }), [policy({ allowed: true, partial: true })]);
    expect(await partial.checkRequest(request)).toEqual({ allowed: true, partial: true });
    const whole = new ComposedAccessPolicy(policy({ allowed: true }), [policy({ allowed: true })]);
    expect(await whole.checkRequest(request)).toEqual({ allowed: true });
  });

  it('answers the first refusal, the base policy’s before an added one’s', async () => {
    const base = policy({ allowed: false, reason: 'base says no', requiredScope: 'patient/Observation.s' });
    const added = policy({ allowed: false, reason: 'added says no' });
    expect(await new ComposedAccessPolicy(base, [added]).checkRequest(request)).toEqual({
      allowed: false,
      reason: 'base says no',
      requiredScope: 'patient/Observation.s',
    });
    expect(
      await new ComposedAccessPolicy(policy({ allowed: true }), [added]).checkResource(caller, observation, 'r'),
    ).toEqual({
      allowed: false,
      reason: 'added says no',
    });
  });

  it('cannot widen: an added policy that allows leaves the base refusal', async () => {
    const composed = new ComposedAccessPolicy(policy({ allowed: false, reason: 'outside' }), [
      policy({ allowed: true }),
    ]);
    expect(await composed.checkResource(caller, observation, 'r')).toEqual({ allowed: false, reason: 'outside' });
  });
});
