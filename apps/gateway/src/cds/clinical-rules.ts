import type { Observation } from '@medplum/fhirtypes';

/** LOINC codes the sample services read. */
export const LOINC = {
  heartRate: '8867-4',
  respiratoryRate: '9279-1',
  temperature: '8310-5',
  oxygenSaturation: '59408-5',
  glucose: '2339-0',
  creatinine: '2160-0',
  potassium: '2823-3',
  hba1c: '4548-4',
} as const;

/** How the vital signs are named in card text. */
export const VITAL_NAMES: Record<string, string> = {
  [LOINC.respiratoryRate]: 'Respiratory rate',
  [LOINC.oxygenSaturation]: 'Oxygen saturation',
  [LOINC.temperature]: 'Temperature',
  [LOINC.heartRate]: 'Heart rate',
};

/** A value with its unit as a clinician reads it (UCUM `Cel` is °C). */
export function withUnit(value: number, unit: string | undefined): string {
  if (!unit) return String(value);
  const shown = unit === 'Cel' ? '°C' : unit;
  return shown === '%' || shown === '°C' ? `${value}${shown}` : `${value} ${shown}`;
}

/** NEWS2 scoring bands (Royal College of Physicians, 2017) for the vitals the store records: [upper bound, points]. */
const NEWS2_BANDS: Record<string, Array<[number, number]>> = {
  [LOINC.respiratoryRate]: [
    [8, 3],
    [11, 1],
    [20, 0],
    [24, 2],
    [Infinity, 3],
  ],
  [LOINC.oxygenSaturation]: [
    [91, 3],
    [93, 2],
    [95, 1],
    [Infinity, 0],
  ],
  [LOINC.temperature]: [
    [35, 3],
    [36, 1],
    [38, 0],
    [39, 1],
    [Infinity, 2],
  ],
  [LOINC.heartRate]: [
    [40, 3],
    [50, 1],
    [90, 0],
    [110, 1],
    [130, 2],
    [Infinity, 3],
  ],
};

/** Lab values outside these ranges are flagged: [low, high]. */
export const LAB_LIMITS: Record<string, { name: string; low: number; high: number }> = {
  [LOINC.glucose]: { name: 'Glucose', low: 60, high: 180 },
  [LOINC.creatinine]: { name: 'Creatinine', low: 0.4, high: 1.5 },
  [LOINC.potassium]: { name: 'Potassium', low: 3.3, high: 5.5 },
  [LOINC.hba1c]: { name: 'HbA1c', low: 0, high: 6.5 },
};

export const codeOf = (observation: Observation) =>
  observation.code?.coding?.find((c) => c.system === 'http://loinc.org')?.code;

/** The newest observation per LOINC code. */
export function latestByCode(observations: Observation[]): Map<string, Observation> {
  const latest = new Map<string, Observation>();
  for (const observation of observations) {
    const code = codeOf(observation);
    if (!code || observation.valueQuantity?.value === undefined) continue;
    const current = latest.get(code);
    if (!current || (observation.effectiveDateTime ?? '') > (current.effectiveDateTime ?? ''))
      latest.set(code, observation);
  }
  return latest;
}

export interface VitalScore {
  score: number;
  /** Any single parameter scoring 3 (a NEWS2 "red score"). */
  redFlag: boolean;
  parts: Array<{ code: string; value: number; unit?: string; points: number }>;
}

/** A partial NEWS2 score from the latest respiratory rate, SpO2, temperature and heart rate. */
export function news2(latest: Map<string, Observation>): VitalScore {
  const parts = Object.entries(NEWS2_BANDS).flatMap(([code, bands]) => {
    const quantity = latest.get(code)?.valueQuantity;
    if (quantity?.value === undefined) return [];
    const points = bands.find(([upper]) => quantity.value! <= upper)![1];
    return [{ code, value: quantity.value, unit: quantity.unit, points }];
  });
  return {
    score: parts.reduce((sum, part) => sum + part.points, 0),
    redFlag: parts.some((part) => part.points === 3),
    parts,
  };
}

/** Latest lab values outside their limits. */
export function abnormalLabs(
  latest: Map<string, Observation>,
): Array<{ name: string; value: number; unit?: string; low: number; high: number }> {
  return Object.entries(LAB_LIMITS).flatMap(([code, limit]) => {
    const quantity = latest.get(code)?.valueQuantity;
    if (quantity?.value === undefined || (quantity.value >= limit.low && quantity.value <= limit.high)) return [];
    return [{ ...limit, value: quantity.value, unit: quantity.unit }];
  });
}
