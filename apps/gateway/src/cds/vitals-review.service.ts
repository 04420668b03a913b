import { randomUUID } from 'node:crypto';
import { CdsRequest, CdsResponse, CdsService, CdsServiceHandler } from '@ehr-gateway/cds';
import type { Observation } from '@medplum/fhirtypes';
import { VITAL_NAMES, abnormalLabs, latestByCode, news2, withUnit } from './clinical-rules';
import { GATEWAY_SOURCE, patientName, resourcesOf } from './prefetch-helpers';

const NEWS2_LINK = {
  label: 'NEWS2 (Royal College of Physicians)',
  url: 'https://www.rcp.ac.uk/improving-care/resources/national-early-warning-score-news-2/',
  type: 'absolute' as const,
};

/** patient-view: a NEWS2-style early-warning score from the latest vitals, plus out-of-range labs. */
@CdsService({
  id: 'vitals-review',
  hook: 'patient-view',
  title: 'Vital signs and labs review',
  description: 'Scores the latest vital signs (NEWS2 bands) and flags out-of-range labs',
  prefetch: {
    patient: 'Patient/{{context.patientId}}',
    vitals: 'Observation?patient={{context.patientId}}&category=vital-signs&_sort=-date&_count=50',
    labs: 'Observation?patient={{context.patientId}}&category=laboratory&_sort=-date&_count=50',
  },
})
export class VitalsReviewService implements CdsServiceHandler {
  handle(request: CdsRequest): CdsResponse {
    const latest = latestByCode([
      ...resourcesOf<Observation>(request.prefetch.vitals, 'Observation'),
      ...resourcesOf<Observation>(request.prefetch.labs, 'Observation'),
    ]);
    if (latest.size === 0) return { cards: [] };
    const { score, redFlag, parts } = news2(latest);
    const labs = abnormalLabs(latest);
    const indicator = score >= 7 ? 'critical' : score >= 5 || redFlag || labs.length > 0 ? 'warning' : 'info';
    const name = patientName(request.prefetch.patient);
    const risk = score >= 7 ? 'high' : score >= 5 || redFlag ? 'medium' : 'low';
    return {
      cards: [
        {
          summary: `Early-warning score ${score} (${risk} risk)${labs.length > 0 ? `, ${labs.length} abnormal lab(s)` : ''}`,
          uuid: randomUUID(),
          detail: [
            `**Latest vital signs for ${name}** (NEWS2 points):`,
            ...parts.map((p) => `- ${VITAL_NAMES[p.code]}: ${withUnit(p.value, p.unit)} (${p.points})`),
            ...(labs.length > 0
              ? [
                  '',
                  '**Abnormal labs:**',
                  ...labs.map(
                    (lab) =>
                      `- ${lab.name}: ${withUnit(lab.value, lab.unit)} (expected ${lab.low}–${withUnit(lab.high, lab.unit)})`,
                  ),
                ]
              : []),
          ].join('\n'),
          indicator,
          source: GATEWAY_SOURCE,
          links: [NEWS2_LINK],
        },
      ],
    };
  }
}
