/** The task of the write preparers' threads (see `WritePreparer`): `prepareWrite` on a request. */
import { loadFhirDefinitions } from '@ehr-gateway/fhir';
import { prepareWrite } from './prepare-write';

// Validation and indexing read the R4 definitions: load them as the thread starts, not in its first task.
loadFhirDefinitions();

export { prepareWrite as prepare };
