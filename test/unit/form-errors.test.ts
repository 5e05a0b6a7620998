// A form field's error goes once its value is corrected and the field is left (Tab, arrows,
// Enter), not only at the next OK; an unchanged value keeps the error (the script's refusal of it
// still holds), a changed value still refused keeps it until OK (the focus is not moved).
import { describe, expect, it } from 'vitest';
import { corrected } from '../../src/flow/flows.js';
import { handleKey } from '../../src/ui/dialogs.js';
import { scheduleFields } from '../../src/features/backup/ops.js';
import type { View } from '../../src/flow/view.js';

const before = { destination: '/srv/bk', schedule: 'daily', time: '25:00', keep: 'abc', encrypt: 'no', passphrase: '', passphrase2: '' };
const errors = { time: '"25:00" is not a time of day HH:MM (00:00-23:59)', keep: 'keep takes a whole number of backups, 1-365', destination: 'refused by the script' };

describe('errors of a form field once it is corrected', () => {
  it.each([
    ['time corrected', { time: '04:05' }, ['keep', 'destination']],
    ['keep corrected', { keep: '5' }, ['time', 'destination']],
    ['both corrected', { time: '4:05', keep: '12' }, ['destination']],
    ['time changed but still bad', { time: '24:00' }, ['time', 'keep', 'destination']],
    ['destination changed (the rule takes it; the script checks it at OK)', { destination: '/srv/other' }, ['time', 'keep']],
    ['nothing changed', {}, ['time', 'keep', 'destination']],
  ])('%s', (_what, entered, left) => {
    expect(Object.keys(corrected(scheduleFields, before, errors, entered)).sort()).toEqual([...left].sort());
  });

  it('leaving a field in error (Tab, Down, Enter) tells the flow; leaving one without an error does not', () => {
    const view: View = {
      kind: 'form',
      title: 'T',
      fields: [
        { name: 'time', label: 'Time', value: '25:00', masked: false, error: 'bad time' },
        { name: 'keep', label: 'Keep', value: '7', masked: false },
      ],
    };
    const local = { identity: 'x', button: 0, scroll: 0, edits: [{ value: '04:05', cursor: 5 }, { value: '7', cursor: 1 }], spin: 0 };
    const k = { pageHeight: 10 };
    for (const key of [{ full: 'tab', name: 'tab' }, { full: 'down', name: 'down' }, { full: 'enter', name: 'enter' }]) {
      const r = handleKey(view, local, key, undefined, k);
      expect(r.local.button, key.name).toBe(1);
      expect(r.events, key.name).toEqual([{ type: 'revalidate', values: { time: '04:05', keep: '7' } }]);
    }
    expect(handleKey(view, { ...local, button: 1 }, { full: 'tab', name: 'tab' }, undefined, k).events).toEqual([]);
  });
});
