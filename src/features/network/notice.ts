// What the first screens say about the network before anything else (issue 11 item 2): a change
// waiting for confirmation (time left, and how to confirm it: the menu path and the command),
// and the automatic rollbacks since the last login, acknowledged only once the operator has
// seen them. And, once a change's time is up, what really became of it (confirmed from another
// session, or rolled back, and why), read from the state rather than assumed.
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Ctx, Op, Outcome, Shown } from '../../core/types.js';
import { Problem } from '../../core/problem.js';
import type { Menu, Tree } from '../../menu/types.js';
import { readTextIfExists } from '../../system/files.js';
import { lexists } from '../../firststart.js';
import { run } from '../../system/runner.js';
import { networkPending } from './ops.js';
import { changeOf, networkState, scripts, secondsLeft, type NetworkState } from './state.js';

/** The labels (with their keys) leading from `menu` to the item whose flow runs `op`; an entry of a source menu is '{iface}'. */
export function menuPath(menu: Menu, op: object): string[] | undefined {
  for (const item of menu.items) {
    if (item.flow?.op === op) return [`${item.key}. ${item.label}`];
    const below = item.menu ? pathIn(item.menu, op) : undefined;
    if (below) return [`${item.key}. ${item.label}`, ...below];
  }
  return undefined;
}
function pathIn(menu: Menu, op: object): string[] | undefined {
  const own = menuPath(menu, op);
  if (own) return own;
  const each = menu.each ? menuPath(menu.each, op) : undefined;
  return each ? ['{iface}', ...each] : undefined;
}

/** How often the first screens read a pending change again (its time left counts down). */
export const NOTICE_REFRESH_S = 5;

const when = (t: string) => t.replace('T', ' ').replace('Z', ' UTC');

/** The notice's text and what is to be acknowledged, from the network state (pure). */
export function noticeOf(s: NetworkState, path: string[] | undefined, now = Date.now()): Shown {
  const lines: string[] = [];
  if (s.pending) {
    const where = path ? path.map((x) => x.replace('{iface}', s.pending!.iface)).join(' > ') : '';
    lines.push(
      `${changeOf(s.pending, 'A network change of ', ' waits for confirmation:')} without it, the previous settings come back by themselves in ${secondsLeft(s.pending, now)} s.`,
      `To keep it: ${where ? `${where}, or ` : ''}run "confconsole network confirm".`,
    );
  }
  if (s.rollbacks_unseen.length) {
    if (lines.length) lines.push('');
    lines.push('Network settings were rolled back since the last login:', ...s.rollbacks_unseen.map((r) => `${changeOf(r, `  ${when(r.time)}  `, ':')} ${r.reason}`));
  }
  return {
    kind: 'text',
    text: lines.join('\n'),
    ...(s.pending ? { refresh: NOTICE_REFRESH_S } : {}),
    ...(s.rollbacks_unseen.length ? { seen: { rollbacks: String(s.rollbacks_unseen.length) } } : {}),
  };
}

/**
 * The tree's notice for the network (menu/types.ts Tree.notice): `menu` is the tree's top menu,
 * where the path to "Confirm the pending change" is found. Nothing when the network state cannot
 * be read (not root on an appliance): the first screens stay as they are.
 */
export function networkNotice(menu: Menu): NonNullable<Tree['notice']> {
  return {
    show: {
      id: 'network.notice',
      async show(ctx) {
        // nothing waits and no rollback is unseen while neither record exists (the scripts remove
        // each once it is done with): then no script runs at start (show_network.sh, and execa
        // loaded for it: 1.2 MB of the executable's RSS and its ~100 ms, measured); what a
        // record says is read by the script that owns it
        if (!lexists(ctx.paths.netPending) && !lexists(ctx.paths.netRollbacksUnseen)) return { kind: 'text', text: '' };
        let s: NetworkState;
        try {
          s = await networkState(ctx);
        } catch (e) {
          if (e instanceof Problem) return { kind: 'text', text: '' };
          throw e;
        }
        return noticeOf(s, menuPath(menu, networkPending));
      },
    },
    seen: {
      id: 'network.rollbacks-seen',
      async apply(ctx) {
        const r = await run(ctx.runner, scripts.ack, []);
        if (!r.ok) throw new Problem(`Cannot acknowledge the rollbacks: ${r.error}`);
        return { ok: true, summary: `${r.value.acknowledged} acknowledged` };
      },
    },
  };
}

const RollbackEntry = z.lazy(() => z.object({ time: z.string(), id: z.string(), iface: z.string(), reason: z.string() }).loose());

/** The rollbacks ever made (var/log/confconsole/net-rollbacks.log, one JSON object a line). */
async function rollbacks(ctx: Ctx): Promise<z.infer<typeof RollbackEntry>[]> {
  const text = (await readTextIfExists(ctx.paths.netRollbackLog)) ?? '';
  return text.split('\n').flatMap((l) => {
    try {
      const r = RollbackEntry.safeParse(JSON.parse(l));
      return r.success ? [r.data] : [];
    } catch {
      return [];
    }
  });
}

/** How long the countdown waits, once the time is up, for the rollback timer to have done its work. */
export const SETTLE_WAIT_MS = 30_000;

/**
 * Once a change's time is up (values: `change`, its id, and `iface`): what became of it, from
 * the state. Still pending: waits up to SETTLE_WAIT_MS for the rollback timer. Then a rollback
 * recorded for it says it came back (with the recorded reason); no longer pending and no
 * rollback means it was confirmed (from another session: set_network.sh makes no new change
 * while one is pending).
 */
export const networkSettled: Op<'apply'> = {
  id: 'network.settled',
  async apply(ctx, v, io): Promise<Outcome> {
    const mine = (s: NetworkState) => s.pending !== null && (v.change ? s.pending.id === v.change : s.pending.iface === v.iface);
    const end = Date.now() + SETTLE_WAIT_MS;
    io.line('The time is up: reading what became of the change...');
    let s = await networkState(ctx);
    while (mine(s) && Date.now() < end && !io.signal?.aborted) {
      await sleep(500);
      s = await networkState(ctx);
    }
    if (mine(s))
      return { ok: false, summary: 'the time is up, but the change still waits: its automatic rollback has not run yet. Confirm it or roll it back now (Interface menu, 4), or run "confconsole network rollback".' };
    const rb = v.change ? (await rollbacks(ctx)).filter((r) => r.id === v.change).pop() : undefined;
    if (rb) return { ok: false, summary: `the change was not kept: the previous settings came back at ${when(rb.time)} (${rb.reason})` };
    if (!v.change) return { ok: false, summary: 'the change no longer waits for confirmation: it was confirmed or rolled back elsewhere (see the audit log)' };
    return { ok: true, summary: 'Confirmed from another session: the new network settings stay.' };
  },
};
