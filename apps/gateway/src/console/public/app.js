// The console shell: tabs by URL hash, the event stream, the credentials of this tab.
import { errorNote } from '/console/dom.js';
import { forgetCredentials, hasCredentials } from '/console/api.js';
import { completeSignIn } from '/console/smart.js';
import { connect, onStreamState } from '/console/event-stream.js';
import { mountEvents } from '/console/events-view.js';
import { mountPatients } from '/console/patients-view.js';
import { mountCds } from '/console/cds-view.js';
import { mountNoteReader } from '/console/notereader-view.js';

const VIEWS = ['events', 'patients', 'cds', 'notereader'];

// Back from a SMART sign-in: exchange the code before the first API call.
await completeSignIn().catch((error) => document.getElementById('main').prepend(errorNote(error)));

const cds = mountCds(document.getElementById('view-cds'));
mountEvents(document.getElementById('view-events'));
mountPatients(document.getElementById('view-patients'), {
  useInCds: (patientId) => {
    cds.usePatient(patientId);
    location.hash = '#cds';
  },
});
mountNoteReader(document.getElementById('view-notereader'));

function show() {
  const current = VIEWS.includes(location.hash.slice(1)) ? location.hash.slice(1) : 'events';
  for (const view of VIEWS) {
    document.getElementById(`view-${view}`).hidden = view !== current;
    const tab = document.getElementById(`tab-${view}`);
    if (view === current) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
}
window.addEventListener('hashchange', show);
show();

const stateLine = document.getElementById('stream-state');
onStreamState((state) => (stateLine.textContent = `Event stream: ${state}`));

const forget = document.getElementById('forget-key');
forget.hidden = !hasCredentials();
forget.addEventListener('click', () => {
  forgetCredentials();
  location.reload();
});

connect('**');
