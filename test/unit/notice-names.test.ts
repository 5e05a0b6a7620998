// The change waiting for confirmation is said with every interface it changes (netfix item 1):
// a fresh-MACs change rebinds several ports, and the first screens' notice, the interface list's
// line and the unseen rollbacks named only the first. Past what fits on an 80-column line, the
// first names and "and N more".
import { describe, expect, it } from 'vitest';
import { noticeOf } from '../../src/features/network/notice.js';
import { namesWithin, pendingLine, type NetworkState } from '../../src/features/network/state.js';

const state = (ifaces: string[] | undefined, rollbacks: NetworkState['rollbacks_unseen'] = []): NetworkState =>
  ({ interfaces: [], matches: [], netplan: null, rollbacks_unseen: rollbacks, pending: { id: 'c1', iface: ifaces?.[0] ?? 'eth0', ...(ifaces ? { ifaces } : {}), deadline: Date.now() / 1000 + 100 } }) as NetworkState;
const first = (s: NetworkState) => {
  const n = noticeOf(s, undefined);
  return n.kind === 'text' ? (n.text.split('\n')[0] ?? '') : '';
};
/** The part of a line up to "waits for confirmation:", which must fit 80 columns. */
const head = (line: string) => line.slice(0, line.indexOf(' waits for confirmation:') + ' waits for confirmation:'.length);

describe('a pending change of several interfaces', () => {
  // notice: the first screens' line; list: the interface list's ("A change of", 8 columns more for names)
  it.each([
    { ifaces: undefined, notice: 'eth0', list: 'eth0' },
    { ifaces: ['eth0'], notice: 'eth0', list: 'eth0' },
    { ifaces: ['ens3', 'ens4'], notice: 'ens3 and ens4', list: 'ens3 and ens4' },
    { ifaces: ['eth0', 'eth1', 'eth2'], notice: 'eth0, eth1 and eth2', list: 'eth0, eth1 and eth2' },
    { ifaces: Array.from({ length: 12 }, (_, i) => `enp${i}s0`), notice: 'enp0s0, enp1s0, enp2s0 and 9 more', list: 'enp0s0, enp1s0, enp2s0, enp3s0 and 8 more' },
    { ifaces: ['a-very-long-interface-name0', 'a-very-long-interface-name1', 'a-very-long-interface-name2'], notice: 'a-very-long-interface-name0 and 2 more', list: 'a-very-long-interface-name0 and 2 more' },
  ])('$notice: the notice and the list name them, within 80 columns while the first name fits', ({ ifaces, notice, list }) => {
    const s = state(ifaces);
    expect(first(s)).toMatch(new RegExp(`^A network change of ${notice} waits for confirmation: without it`));
    expect(pendingLine(s)).toMatch(new RegExp(`^A change of ${list} waits for confirmation: it rolls back in \\d+ s\\.$`));
    // past 80 columns only when the first name alone does not fit (it is never cut: a cut name reads as another)
    expect(head(first(s)).length <= 80 || /^\S+ and \d+ more$/.test(notice), head(first(s))).toBe(true);
    expect(head(pendingLine(s)).length).toBeLessThanOrEqual(80);
  });

  it('namesWithin: every name while they fit, then the first ones and how many more; never less than the first', () => {
    expect(namesWithin([], 10)).toBe('');
    expect(namesWithin(['eth0', 'eth1', 'eth2', 'eth3'], 30)).toBe('eth0, eth1, eth2 and eth3');
    expect(namesWithin(['eth0', 'eth1', 'eth2', 'eth3'], 24)).toBe('eth0, eth1 and 2 more');
    expect(namesWithin(['eth0', 'eth1', 'eth2', 'eth3'], 3)).toBe('eth0 and 3 more');
  });

  it('an unseen rollback of a fresh-MACs change names every interface it put back', () => {
    const s = { ...state(undefined), pending: null, rollbacks_unseen: [{ time: '2026-12-01T00:00:00Z', iface: 'ens3', ifaces: ['ens3', 'ens4', 'ens5'], reason: 'not confirmed in time' }] } as NetworkState;
    const n = noticeOf(s, undefined);
    expect(n.kind === 'text' && n.text).toContain('  2026-12-01 00:00:00 UTC  ens3, ens4 and ens5: not confirmed in time');
  });
});
