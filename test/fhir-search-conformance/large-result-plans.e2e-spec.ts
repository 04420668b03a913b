import { describeInProcessConformance } from './in-process-store';

/**
 * The same table with the plans the store uses for large results: no filter is
 * small enough to drive a search and be sorted in full (`DRIVER_LIMIT` 0), so
 * every search streams a filter in row order, walks its sort key's index, or
 * probes the type's rows, and deep pages use the keyset `_cursor`.
 */
jest.mock('../../libs/fhir-store/src/search/search-plan', () => ({
  ...jest.requireActual<object>('../../libs/fhir-store/src/search/search-plan'),
  DRIVER_LIMIT: 0,
}));

describeInProcessConformance('FHIR search conformance: embedded store in process, large-result plans');
