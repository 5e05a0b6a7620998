// vSensor Setup > Master (manual ch. 7 "Communication Mode Configuration"): Push Token, Pull and
// legacy Push. Secrets go to the scripts on stdin and are never read back.
import { z } from 'zod';
import type { Checked, Ctx, Op } from '../../core/types.js';
import { outcomeOf } from '../../core/outcome.js';
import { check, need, report, str, UsageError } from '../../commands/output.js';
import type { Command } from '../../commands/types.js';
import type { Menu } from '../../menu/types.js';
import { masterHost, proxyUrl } from '../../rules/master.js';
import { hmacToken, pushToken } from '../../rules/tokens.js';
import { EXIT, run, script } from '../../system/runner.js';
import { readSettings, type Settings } from '../../system/settings.js';

const scripts = {
  pushToken: script('set_pushtoken.sh', z.object({ mode: z.literal('push-token'), host: z.string(), token: z.string() }).loose()),
  pull: script('set_dcip_hmac.sh', z.object({ mode: z.literal('pull') }).loose()),
  push: script('set_push.sh', z.object({ host: z.string() }).loose()),
  test: script('test_master.sh', z.object({ cause: z.string(), status: z.number(), message: z.string() }).loose()),
};

export type MasterState = Settings['master'];

const state = async (ctx: Ctx): Promise<MasterState> => (await readSettings(ctx.paths.settingsIni)).master;

export function describeMaster(m: MasterState): string {
  switch (m.mode) {
    case 'push-token':
      return `Current mode: Push Token\nPush Token: ${m.token_label}:****\nDCIP master: https://${m.host}${m.proxy ? `\nProxy: ${m.proxy}` : ''}`;
    case 'pull':
      return 'Current mode: Pull (the master connects to this vSensor with the shared HMAC token)';
    case 'push':
      return `Current mode: Push (legacy), master ${m.host}\nPush Token mode is recommended instead.`;
    default:
      return 'No master connection is set: this vSensor sends its data nowhere yet.';
  }
}

export const masterShow: Op<'show'> = {
  id: 'master.show',
  async show(ctx) {
    return { kind: 'text', title: 'Master connection', text: describeMaster(await state(ctx)) };
  },
};

/** A real HTTPS check of the master (test_master.sh): its message names the cause of a failure. */
async function testMaster(ctx: Ctx, args: string[], token: string | undefined, io: { line(t: string): void; signal?: AbortSignal }) {
  const r = await run(ctx.runner, scripts.test, args, { ...(token !== undefined ? { stdin: token + '\n' } : {}), onLine: io.line, ...(io.signal ? { signal: io.signal } : {}) });
  const o = outcomeOf(r, (v) => v.message);
  // exit 5 carries the cause in the same shape: its message is the summary
  const failed = !r.ok && r.exitCode === EXIT.testFailed ? scripts.test.result.safeParse(r.json) : undefined;
  return failed?.success ? { ...o, summary: failed.data.message, details: [] } : { ...o, details: [] };
}

export const masterPushToken: Op<'read' | 'test' | 'apply'> = {
  id: 'master.push-token',
  async read(ctx) {
    const m = await state(ctx);
    return {
      token: m.mode === 'push-token' && m.token_label ? `${m.token_label}:****` : '',
      host: m.mode === 'push-token' || m.mode === 'push' ? m.host : '',
      proxy: m.mode === 'push-token' ? m.proxy : '',
    };
  },
  async test(ctx, v, io) {
    return testMaster(ctx, ['--timeout', '10', v.host ?? '', ...(v.proxy ? [v.proxy] : [])], v.token ?? '', io);
  },
  async apply(ctx, v, io) {
    const r = await run(ctx.runner, scripts.pushToken, [v.host ?? '', ...(v.proxy ? [v.proxy] : [])], { stdin: (v.token ?? '') + '\n', onLine: io.line, survive: true });
    return outcomeOf(r, `Push Token: ${(v.token ?? '').split(':')[0]}:****, DCIP master: https://${v.host}`);
  },
};

export const masterPull: Op<'read' | 'apply'> = {
  id: 'master.pull',
  async read(ctx) {
    return { token: (await state(ctx)).mode === 'pull' ? '****' : '' };
  },
  async apply(ctx, v, io) {
    const r = await run(ctx.runner, scripts.pull, [], { stdin: (v.token ?? '') + '\n', onLine: io.line, survive: true });
    return outcomeOf(r, 'Pull mode set: enter the same HMAC token on the master (System Config > Probes/vSensors > Add a pull probe)');
  },
};

export const masterPush: Op<'read' | 'check' | 'apply'> = {
  id: 'master.push',
  async read(ctx) {
    const m = await state(ctx);
    return { host: m.mode === 'push' || m.mode === 'push-token' ? m.host : '' };
  },
  async check(ctx, v): Promise<Checked> {
    // whether the name resolves with the configured DNS: only the script can say
    const r = await run(ctx.runner, scripts.push, ['--check', v.host ?? '']);
    return r.ok ? { errors: {} } : { errors: { host: r.error } };
  },
  async apply(ctx, v, io) {
    return outcomeOf(await run(ctx.runner, scripts.push, [v.host ?? ''], { onLine: io.line, survive: true }), `Push (legacy) mode set: master ${v.host}`);
  },
};

/** Setup > Master: 1 Push Token (recommended), 2 Pull, 3 Push (legacy), the current mode on top. */
export const masterMenu: Menu = {
  title: 'Master',
  status: masterShow,
  items: [
    {
      key: '1',
      label: 'Push Token (recommended)',
      help: 'The vSensor connects out to the master over HTTPS with a token generated on the master (System Config > Push Probe Tokens). Works through NAT, firewalls and an HTTP proxy.',
      flow: {
        kind: 'form',
        op: masterPushToken,
        fields: [
          { name: 'token', label: 'Push token, in full (label:secret)', short: 'Push token', rule: pushToken, masked: true, help: 'The token the master showed once, label included, e.g. NewLabel:K7GHXWxHCMn2y8zr.' },
          { name: 'host', label: 'Master IP or hostname (a hostname for cloud masters)', short: 'Master', rule: masterHost, help: "The master's address, as the vSensor reaches it over HTTPS." },
          { name: 'proxy', label: 'HTTP proxy (optional, http://HOST:PORT)', short: 'Proxy', rule: proxyUrl, help: 'Leave empty when the vSensor reaches the master directly.' },
        ],
        test: 'Do you want to test the connection to https://{host}?',
        question: 'Confirm submission: do you want to set these?',
        progress: 'Setting the master connection and restarting services',
        done: 'Done: the vSensor connects to its master with the push token.',
      },
    },
    {
      key: '2',
      label: 'Pull',
      help: 'The master connects to this vSensor every ten seconds; both ends share an HMAC token of 5-63 letters and digits (20+ recommended).',
      flow: {
        kind: 'form',
        op: masterPull,
        confirm:
          'Pull mode: the master connects to this vSensor with a shared HMAC token.\n\nMake a note of the token you enter: it must be entered on the master too (System Config > Probes/vSensors > Add a pull probe). Continue?',
        fields: [
          {
            name: 'token',
            label: 'Master HMAC token (5-63 letters and digits; 20+ recommended)',
            short: 'Master HMAC token',
            rule: hmacToken,
            masked: true,
            help: '5 to 63 letters and digits, 20 or more recommended. Note it: the same token must be entered on the master (Add a pull probe).',
          },
          { name: 'token2', label: 'The same token again', masked: true, same: 'token', help: 'Type the token again, so that a typing error is caught before it is saved.' },
        ],
        progress: 'Setting Pull mode and restarting services',
        done: 'Done: Pull mode is set. Enter the same token on the master.',
      },
    },
    {
      key: '3',
      label: 'Push (legacy)',
      help: 'The original Push mode: the master\'s IP, or a hostname that resolves with the configured DNS. Push Token is recommended instead.',
      flow: {
        kind: 'form',
        op: masterPush,
        confirm:
          'Legacy Push mode is no longer recommended: Push Token mode works through NAT and proxies and authenticates the vSensor.\n\nSet legacy Push mode anyway?',
        fields: [
          {
            name: 'host',
            label: 'Master IP, or a hostname that resolves with the configured DNS',
            short: 'Master',
            rule: masterHost,
            help: 'The master that receives the data: an IPv4 address, or a host name that resolves with the DNS servers set under Network.',
          },
        ],
        check: true,
        progress: 'Setting Push mode and restarting services',
        done: 'Done: legacy Push mode is set.',
      },
    },
  ],
};

export const commands: Command[] = [
  {
    path: ['master', 'show'],
    summary: "the vSensor's master connection (secrets shown as label:****)",
    covers: [masterShow],
    async run(ctx, _in, out) {
      const m = await state(ctx);
      const token = m.mode === 'push-token' ? `${m.token_label}:****` : m.mode === 'pull' ? '****' : '';
      out.print({ mode: m.mode || null, host: m.host || null, proxy: m.proxy || null, token: token || null }, describeMaster(m));
      return EXIT.ok;
    },
  },
  {
    path: ['master', 'set', 'push-token'],
    summary: 'Push Token mode; the token (label:secret) is read from standard input',
    options: { host: { type: 'string', value: 'H', help: "the master's host name or IP (optionally :PORT)" }, proxy: { type: 'string', value: 'http://P:PORT', help: 'an HTTP proxy to the master' } },
    covers: [masterPushToken],
    async run(ctx, { opts }, out) {
      const values = { host: check(masterHost, need(opts.host, '--host', 'master set push-token'), '--host'), proxy: check(proxyUrl, str(opts.proxy) ?? '', '--proxy'), token: '' };
      values.token = check(pushToken, await out.readSecret('push token (label:secret)'), 'push token');
      return report(out, await masterPushToken.apply(ctx, values, out.progress));
    },
  },
  {
    path: ['master', 'set', 'pull'],
    summary: 'Pull mode; the HMAC token is read from standard input',
    covers: [masterPull],
    async run(ctx, _in, out) {
      const token = check(hmacToken, await out.readSecret('pull-mode HMAC token'), 'HMAC token');
      return report(out, await masterPull.apply(ctx, { token }, out.progress));
    },
  },
  {
    path: ['master', 'set', 'push'],
    summary: 'legacy Push mode',
    options: { host: { type: 'string', value: 'H', help: "the master's IP, or a name that resolves" } },
    covers: [masterPush],
    async run(ctx, { opts }, out) {
      const host = check(masterHost, need(opts.host, '--host', 'master set push'), '--host');
      return report(out, await masterPush.apply(ctx, { host }, out.progress));
    },
  },
  {
    path: ['master', 'test'],
    summary: 'a real HTTPS check of the master (with the stored push token when no --host is given)',
    options: { host: { type: 'string', value: 'H', help: 'another master to check' }, proxy: { type: 'string', value: 'URL', help: 'through this HTTP proxy' } },
    covers: [],
    async run(ctx, { opts }, out) {
      const m = await state(ctx);
      const given = str(opts.host);
      if (!(given ?? m.host)) throw new UsageError('no master host is set (Pull mode, or none): give --host');
      const host = check(masterHost, given ?? m.host, '--host');
      const proxy = check(proxyUrl, str(opts.proxy) ?? (given === undefined ? m.proxy : ''), '--proxy');
      const stored = m.mode === 'push-token' && given === undefined;
      return report(out, await testMaster(ctx, [...(stored ? ['--stored'] : []), host, ...(proxy ? [proxy] : [])], undefined, out.progress));
    },
  },
];
