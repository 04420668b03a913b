import { describeInProcessConformance } from './in-process-store';

describeInProcessConformance('FHIR search conformance: embedded store in process');
