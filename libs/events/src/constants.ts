/** Token of the injectable that turns an operation context into an `EHREvent`. */
export const EHR_EVENT_CREATOR = Symbol('EHR_EVENT_CREATOR');

export const REQUEST_ID_HEADER = 'x-request-id';
export const SESSION_ID_HEADER = 'x-session-id';
