// The sbin/ scripts check NTP servers again (they are a CLI of their own): lib/ntp.sh's
// check_servers must accept exactly what the console's ntpServers accepts, in the same
// canonical form. Random words and near misses, compared one by one.
import { describe, expect, it } from 'vitest';
import { ntpServers } from '../../src/rules/ntp.js';
import { missing } from '../support/requires.js';
import { nearServerWord } from './gen.js';
import { bashRecords, rng, testSeed } from './helpers.js';

const why = missing('system: bash and console validators agree', ['bash', 'sed', 'tr']);

/** check_servers on each list (words separated by spaces) → "OK canonical..." or "BAD". */
function bashCheck(lists: string[]): Promise<string[]> {
  const prog = `. "$SBIN/lib/common.sh" && . "$SBIN/lib/ntp.sh" || exit 9
set -f
for a in "$@"; do
  IFS=' ' read -r -a w <<<"$a"
  ( check_servers "\${w[@]}" >/dev/null 2>&1 && printf 'OK %s\\0' "\${SERVERS[*]}" ) || printf 'BAD\\0'
done`;
  return bashRecords(prog, lists, 'validators');
}

const console_ = (list: string) => {
  const r = ntpServers(list);
  return r.ok ? `OK ${r.value.join(' ')}` : 'BAD';
};

describe.skipIf(why !== undefined)('set_ntp.sh and the console accept the same NTP servers', () => {
  it.each([
    ['a..', 'BAD'], // an empty last label, like bad..host
    ['example.com..', 'BAD'],
    ['ntp.example.org:08080', 'OK ntp.example.org:8080'], // leading zero: decimal, not octal
    ['192.0.2.1:0999', 'OK 192.0.2.1:999'],
    ['[2001:db8::1]:0123', 'OK [2001:db8::1]:123'],
    ['example.com.', 'OK example.com.'],
    ['NTP.Example.ORG', 'OK ntp.example.org'],
    ['[::]:123', 'BAD'], // unspecified, broadcast, multicast: no server answers there
    ['0.0.0.0', 'BAD'],
    ['255.255.255.255', 'BAD'],
    ['224.0.1.1', 'BAD'],
    ['ff02::101', 'BAD'],
    ['127.0.0.1', 'OK 127.0.0.1'], // a local chrony or an SSH-forwarded port is a server
    ['223.255.255.1', 'OK 223.255.255.1'],
    ['::ffff:192.0.2.1', 'OK ::ffff:192.0.2.1'],
  ])('%s → %s in both', async (word, want) => {
    expect(console_(word), 'the console (src/rules/ntp.ts)').toBe(want);
    expect(await bashCheck([word]), 'sbin/lib/ntp.sh check_servers').toEqual([want]);
  });

  it('agree on 400 random server lists and near misses', async () => {
    const seed = testSeed();
    const R = rng(seed);
    const lists = Array.from({ length: 400 }, () =>
      Array.from({ length: R.pick([1, 1, 1, 2, 3]) }, () => nearServerWord(R)).join(' '),
    );
    const halves = [lists.filter((_, i) => i % 2 === 0), lists.filter((_, i) => i % 2 === 1)];
    const [a, b] = await Promise.all(halves.map(bashCheck));
    const bash = lists.map((_, i) => (i % 2 === 0 ? a! : b!)[Math.floor(i / 2)]);
    const differ = lists
      .map((l, i) => ({ input: l, console: console_(l), bash: bash[i] }))
      .filter((d) => d.console !== d.bash);
    const accepted = lists.filter((l) => console_(l) !== 'BAD').length;
    expect(accepted, 'the generator makes both good and bad input').toBeGreaterThan(80);
    expect(accepted).toBeLessThan(360);
    expect(differ.slice(0, 15), `seed ${seed}: ${differ.length} of ${lists.length} differ`).toEqual([]);
  });
});
