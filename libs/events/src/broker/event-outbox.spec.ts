import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventOutbox } from './event-outbox';

describe('EventOutbox', () => {
  it('keeps events in order across reopening, and refuses beyond its capacity', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'outbox-')), 'outbox.sqlite');
    const outbox = new EventOutbox(path, 3);
    expect(['a', 'b', 'c', 'd'].map((id) => outbox.append(id, `ehr.${id}`, `{"id":"${id}"}`))).toEqual([
      true,
      true,
      true,
      false,
    ]);
    outbox.close();

    const reopened = new EventOutbox(path, 3);
    expect(reopened.count).toBe(3);
    const [first, ...rest] = reopened.peek(10);
    expect([first, ...rest].map((entry) => entry.id)).toEqual(['a', 'b', 'c']);
    reopened.delete(first.seq);
    expect(reopened.count).toBe(2);
    expect(reopened.append('d', 'ehr.d', '{}')).toBe(true);
    expect(reopened.peek(10).map((entry) => entry.id)).toEqual(['b', 'c', 'd']);
    reopened.close();
  });
});
