// Interfaces > Initialize fresh MAC addresses (manual ch. 7 "vSensor Installation": "If the
// option is given, select initialize fresh MAC addresses"): offered only when the netplan files
// match MAC addresses no interface has (a cloned virtual machine). The review says which stanza
// goes to which interface (by name, or in order); the change is commit-confirmed like every
// network change (net_fresh_macs.sh, then net_confirm.sh or the rollback).
import { z } from 'zod';
import { report, str } from '../../commands/output.js';
import type { Command } from '../../commands/types.js';
import { outcomeOf } from '../../core/outcome.js';
import type { Ctx, Op, Outcome } from '../../core/types.js';
import { Problem } from '../../core/problem.js';
import type { Item } from '../../menu/types.js';
import { EXIT, run, script } from '../../system/runner.js';
import { networkSettled } from './notice.js';
import { networkConfirm, networkRollback } from './ops.js';

const Stanza = z.lazy(() => z.object({ file: z.string(), id: z.string(), name: z.string() }).loose());
// rename: the interface's new name (the stanza's set-name), null when it keeps its name
// note: why this interface (its name; or the first free one by name, and the ones passed over, why)
const Pair = z.lazy(() => z.object({ file: z.string(), id: z.string(), old: z.string(), new: z.string(), iface: z.string(), by: z.enum(['name', 'order']), rename: z.string().nullable(), note: z.string().optional() }));
// why: the reason a stale stanza is left (no free interface; the capture port is never renamed, ...)
const Found = z.lazy(() => z.object({ stale: z.array(Stanza.unwrap().extend({ mac: z.string() })), pairs: z.array(Pair), unpaired: z.array(Stanza.unwrap().extend({ why: z.string() })), skipped: z.array(Stanza) }).loose());
const found = script('net_fresh_macs.sh', Found);
const rebind = script('net_fresh_macs.sh', z.lazy(() => z.object({ pairs: z.array(Pair), pending: z.object({ id: z.string(), deadline: z.number(), timeout: z.number() }) }).loose()));
type Found = z.infer<typeof Found>;

async function look(ctx: Ctx): Promise<Found> {
  const r = await run(ctx.runner, found, ['--dry-run']);
  if (!r.ok) throw new Problem(r.error);
  return r.value;
}

/** What the change does, one line per stanza, for the review and `network fresh-macs --dry-run`. */
export function freshMacsLines(f: Found): string[] {
  return [
    ...f.pairs.flatMap((p) => [
      `${p.id} (${p.file}): ${p.old} -> ${p.new}, interface ${p.iface} (${p.by === 'name' ? 'same name' : 'in order'})${p.rename ? `, renamed ${p.rename} at the next boot (its set-name)` : ''}`,
      // a pair in order says why this interface: the operator checks it before the change
      ...(p.by === 'order' && p.note ? [`  why ${p.iface}: ${p.note}`] : []),
    ]),
    ...f.unpaired.map((s) => `${s.id} (${s.file}): left as it is: ${s.why}`),
    ...f.skipped.map((s) => `${s.id} (${s.file}): not a file the console edits; left as it is`),
  ];
}

/**
 * read: offered ('yes') while a stanza names a MAC no interface has; ask: the review (which
 * stanza goes to which interface), or why nothing can be done; apply: the commit-confirmed change.
 */
export const networkFreshMacs: Op<'read' | 'ask' | 'apply'> = {
  id: 'network.fresh-macs',
  async read(ctx) {
    return { offered: (await look(ctx)).stale.length > 0 ? 'yes' : 'no' };
  },
  async ask(ctx) {
    const f = await look(ctx);
    if (f.stale.length === 0) return { blocked: 'Every MAC address the network configuration names is present: nothing to initialize.' };
    if (f.pairs.length === 0) return { blocked: ['The network configuration names MAC addresses no interface has, but no interface is free for them:', ...freshMacsLines(f)].join('\n') };
    return {
      question: [
        'The network configuration names MAC addresses no interface has (a cloned virtual machine). Bind it to the present interfaces:',
        ...freshMacsLines(f).map((l) => `  ${l}`),
        '',
        'Only these MAC addresses change. The change rolls back by itself unless you confirm it. Initialize the fresh MAC addresses?',
      ].join('\n'),
    };
  },
  async apply(ctx, v, io): Promise<Outcome> {
    const r = await run(ctx.runner, rebind, v.timeout ? ['--confirm-timeout', v.timeout] : [], { onLine: io.line, survive: true });
    const o = outcomeOf(r, (x) => `Applied: ${x.pairs.map((p) => `${p.id} -> ${p.iface}${p.rename ? ` (renamed ${p.rename} at the next boot)` : ''}`).join(', ')}.`);
    return r.ok ? { ...o, pending: { id: r.value.pending.id, deadline: r.value.pending.deadline, address: '' } } : o;
  },
};

/** Interfaces > m. Initialize fresh MAC addresses (listed only when offered). */
export const freshMacsItem: Item = {
  key: 'm',
  label: 'Initialize fresh MAC addresses',
  help: 'The network configuration names MAC addresses no interface has (a cloned virtual machine): bind it to the present interfaces, by name or in order, with the automatic rollback of every network change.',
  offeredIf: networkFreshMacs,
  flow: {
    kind: 'do',
    op: networkFreshMacs,
    confirm: 'ask',
    defaultNo: true,
    progress: 'Applying the network settings',
    confirmWithin: { confirm: networkConfirm, rollback: networkRollback, settled: networkSettled },
  },
};

export const freshMacsCommands: Command[] = [
  {
    path: ['network', 'fresh-macs'],
    summary: 'bind netplan stanzas matching MACs no interface has (a cloned VM) to the present interfaces; rolls back unless confirmed',
    more: ['--dry-run: say what would change. --confirm-timeout S (5-3600, default 120): run "confconsole network confirm" within S seconds.'],
    options: {
      'dry-run': { type: 'boolean', help: 'only say which stanza would go to which interface' },
      'confirm-timeout': { type: 'string', value: 'S', help: 'seconds to confirm before it rolls back' },
    },
    covers: [networkFreshMacs],
    async run(ctx, { opts }, out) {
      if (opts['dry-run'] === true) {
        const f = await look(ctx);
        const lines = freshMacsLines(f);
        out.print(f, lines.length ? lines.join('\n') : 'Every MAC address the network configuration names is present: nothing to initialize.');
        return EXIT.ok;
      }
      const timeout = str(opts['confirm-timeout']);
      const o = await networkFreshMacs.apply(ctx, timeout !== undefined ? { timeout } : {}, out.progress);
      if (!o.ok || !o.pending) return report(out, o);
      const left = Math.max(0, Math.round(o.pending.deadline - Date.now() / 1000));
      return report(out, { ...o, summary: `${o.summary} Run "confconsole network confirm" within ${left} s, or the previous settings return by themselves.` });
    },
  },
];
