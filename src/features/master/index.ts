// vSensor Setup > Master (manual ch. 7 "Communication Mode Configuration"): Push Token, Pull and
// legacy Push. Secrets go to the scripts on stdin and are never read back.
import { z } from 'zod';
import type { Checked, Ctx, Io, Op, Outcome, Values } from '../../core/types.js';
import { outcomeOf } from '../../core/outcome.js';
import { check, need, report, str, UsageError } from '../../commands/output.js';
import type { Command, OptionSpec } from '../../commands/types.js';
import type { Menu } from '../../menu/types.js';
import { masterHost, proxyUrl } from '../../rules/master.js';
import { hmacToken, pushToken } from '../../rules/tokens.js';
import { readTextIfExists } from '../../system/files.js';
import { checkedByPlan, planOf, type PlanLabel } from '../../system/plan.js';
import { EXIT, run, script } from '../../system/runner.js';
import { readSettings, type Settings } from '../../system/settings.js';

const scripts = {
  pushToken: script('set_pushtoken.sh', z.lazy(() => z.object({ mode: z.literal('push-token'), host: z.string(), token: z.string() }).loose())),
  pull: script('set_dcip_hmac.sh', z.lazy(() => z.object({ mode: z.literal('pull') }).loose())),
  push: script('set_push.sh', z.lazy(() => z.object({ host: z.string() }).loose())),
  test: script('test_master.sh', z.lazy(() => z.object({ cause: z.string(), status: z.number(), message: z.string(), certificate: z.lazy(() => CertificateSchema).nullable().optional() }).loose())),
  trust: script('trust_master.sh', z.lazy(() => z.object({ host: z.string(), trusted: z.boolean(), certificate: z.lazy(() => CertificateSchema) }).loose())),
  forget: script('trust_master.sh', z.lazy(() => z.object({ removed: z.boolean() }).loose())),
};

/** A master's certificate as lib/master.sh describes it (mt_json). */
const CertificateSchema = z.lazy(() => z
  .object({
    subject: z.string(),
    issuer: z.string(),
    not_before: z.string(),
    not_after: z.string(),
    sha256: z.string(),
    names: z.string(),
    self_signed: z.boolean(),
    state: z.enum(['valid', 'expired', 'not-yet-valid']),
  })
  .loose());
type Certificate = z.infer<typeof CertificateSchema>;

/** A certificate as lines for a person: subject, issuer, validity, SHA-256 fingerprint. */
export function certificateLines(c: Certificate): string[] {
  return [
    `Subject:  ${c.subject}${c.names ? ` (${c.names})` : ''}`,
    `Issuer:   ${c.self_signed ? 'itself (self-signed)' : c.issuer}`,
    `Valid:    ${c.not_before} to ${c.not_after}${c.state === 'valid' ? '' : ` (${c.state})`}`,
    // 32 bytes in two rows of 16, so it fits 80 columns and reads against the master's in halves
    `SHA-256:  ${c.sha256.slice(0, 47)}`,
    `          ${c.sha256.slice(48)}`,
  ];
}

/** How the scripts' plans (--dry-run) are said in the review. */
export const modeNames: Record<string, string> = { 'push-token': 'Push Token', pull: 'Pull', push: 'Push (legacy)' };
export const planLabels: Record<string, PlanLabel> = {
  mode: { label: 'Mode', value: (v) => modeNames[v] ?? v },
  host: { label: 'DCIP master', value: (v) => `https://${v}` },
  proxy: { label: 'Proxy' },
  push_token: { label: 'Push token' },
  pull_hmac: { label: 'Pull HMAC token' },
};
/** The scripts' option names → the forms' fields (a refusal goes under its field). */
const planFields: Record<string, string> = { host: 'host', proxy: 'proxy', token: 'token' };

/**
 * The secrets stored for each mode, as they may be shown (label:**** or ****; '' for none),
 * read from whether their files exist — never their values. A form asks whether to remove the
 * ones the change would leave unused (Field.onlyIf).
 */
export async function storedSecrets(ctx: Ctx): Promise<{ storedPushToken: string; storedPullHmac: string }> {
  const dir = '/etc/confconsole/secrets';
  const push = await readTextIfExists(ctx.paths.under(`${dir}/push_token`));
  const pull = await readTextIfExists(ctx.paths.under(`${dir}/pull_hmac`));
  return { storedPushToken: push === undefined ? '' : `${push.split(':')[0] ?? ''}:****`, storedPullHmac: pull === undefined ? '' : '****' };
}

/** The option that removes the other modes' stored secrets, when the operator chose so. */
const removeOld = (v: Values) => (v.removeOld === 'remove' ? ['--remove-old-secret'] : []);
const keepOrRemove = [
  { value: 'keep', label: 'Keep it' },
  { value: 'remove', label: 'Remove it' },
];

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

/**
 * A real HTTPS check of the master (test_master.sh): its message names the cause of a failure.
 * A certificate it cannot trust is described, and when it is valid the operator is offered to
 * trust it (compared with the master's fingerprint first): Yes pins it and tests again.
 */
export async function testMaster(ctx: Ctx, args: string[], token: string | undefined, io: Io): Promise<Outcome> {
  const r = await run(ctx.runner, scripts.test, args, { ...(token !== undefined ? { stdin: token + '\n' } : {}), onLine: io.line, ...(io.signal ? { signal: io.signal } : {}) });
  const o = outcomeOf(r, (v) => v.message);
  // exit 5 carries the cause in the same shape: its message is the summary
  const failed = !r.ok && r.exitCode === EXIT.testFailed ? scripts.test.result.safeParse(r.json) : undefined;
  if (!failed?.success) return { ...o, details: [] };
  const cert = failed.data.certificate;
  const out: Outcome = { ...o, summary: failed.data.message, details: cert ? certificateLines(cert) : [] };
  if (failed.data.cause !== 'certificate' || !cert || cert.state !== 'valid') return out;
  const [host = '', proxy = ''] = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--timeout');
  return {
    ...out,
    offer: {
      question: `Trust this certificate? Only if its SHA-256 fingerprint is the one the master shows. Every later test of https://${host} (and the health check) then accepts it, and refuses any other.`,
      op: masterTrustAndTest,
      values: { trustHost: host, trustProxy: proxy, trustFingerprint: cert.sha256, trustToken: token ?? '' },
    },
  };
}

/** trust_master.sh --fingerprint: pins the certificate the operator saw (none other). */
async function trustMaster(ctx: Ctx, host: string, proxy: string, fingerprint: string, io: Io): Promise<Outcome> {
  const r = await run(ctx.runner, scripts.trust, ['--fingerprint', fingerprint, host, ...(proxy ? [proxy] : [])], { onLine: io.line });
  return outcomeOf(r, (v) => `The certificate of https://${v.host} is trusted (SHA-256 ${v.certificate.sha256}).`);
}

/** The offer of a failed test: trust the certificate it showed, then test again with the same token. */
export const masterTrustAndTest: Op<'test'> = {
  id: 'master.trust-and-test',
  async test(ctx, v, io) {
    const trusted = await trustMaster(ctx, v.trustHost ?? '', v.trustProxy ?? '', v.trustFingerprint ?? '', io);
    if (!trusted.ok) return trusted;
    return testMaster(ctx, ['--timeout', '10', v.trustHost ?? '', ...(v.trustProxy ? [v.trustProxy] : [])], v.trustToken ?? '', io);
  },
};

/** Setup > Master > Trust the master's certificate: shown (check), reviewed, then pinned. */
export const masterTrust: Op<'read' | 'check' | 'apply'> = {
  id: 'master.trust',
  async read(ctx) {
    const m = await state(ctx);
    return { host: m.host, proxy: m.mode === 'push-token' ? m.proxy : '' };
  },
  async check(ctx, v): Promise<Checked> {
    const r = await run(ctx.runner, scripts.trust, ['--show', v.host ?? '', ...(v.proxy ? [v.proxy] : [])]);
    if (!r.ok) return { errors: { [r.field === 'proxy' ? 'proxy' : 'host']: r.error } };
    const c = r.value.certificate;
    if (c.state !== 'valid') return { errors: { host: `its certificate is ${c.state} (valid ${c.not_before} to ${c.not_after}): the master needs a new one` } };
    const pinned = await pinnedNow(ctx);
    return {
      errors: {},
      found: { fingerprint: c.sha256 },
      review: [{ label: 'Trusted master certificate', old: pinned.host && `${pinned.host} (SHA-256 ${pinned.sha256.slice(0, 11)}...)`, new: `${r.value.host} (SHA-256 ${c.sha256.slice(0, 11)}...)` }],
      warnings: [`Compare this certificate with the master's before you trust it:\n${certificateLines(c).join('\n')}`],
    };
  },
  async apply(ctx, v, io) {
    return trustMaster(ctx, v.host ?? '', v.proxy ?? '', v.fingerprint ?? '', io);
  },
};

/** The certificate trusted now (its host and fingerprint, from the pin file's first lines). */
async function pinnedNow(ctx: Ctx): Promise<{ host: string; sha256: string }> {
  const text = (await readTextIfExists(ctx.paths.under('/etc/confconsole/master-trust.pem'))) ?? '';
  return { host: /^# host: (.*)$/m.exec(text)?.[1] ?? '', sha256: /^# sha256: (.*)$/m.exec(text)?.[1] ?? '' };
}

/** set_pushtoken.sh's arguments for the form's values (the change and its --dry-run alike). */
const pushTokenArgs = (v: Values) => [...removeOld(v), v.host ?? '', ...(v.proxy ? [v.proxy] : [])];

export const masterPushToken: Op<'read' | 'check' | 'test' | 'apply'> = {
  id: 'master.push-token',
  async read(ctx) {
    const m = await state(ctx);
    return {
      token: m.mode === 'push-token' && m.token_label ? `${m.token_label}:****` : '',
      host: m.mode === 'push-token' || m.mode === 'push' ? m.host : '',
      proxy: m.mode === 'push-token' ? m.proxy : '',
      storedPullHmac: (await storedSecrets(ctx)).storedPullHmac,
    };
  },
  async check(ctx, v): Promise<Checked> {
    const r = await run(ctx.runner, planOf(scripts.pushToken.name), ['--dry-run', ...pushTokenArgs(v)], { stdin: (v.token ?? '') + '\n' });
    return checkedByPlan(r, planLabels, planFields, 'token');
  },
  async test(ctx, v, io) {
    return testMaster(ctx, ['--timeout', '10', v.host ?? '', ...(v.proxy ? [v.proxy] : [])], v.token ?? '', io);
  },
  async apply(ctx, v, io) {
    const r = await run(ctx.runner, scripts.pushToken, pushTokenArgs(v), { stdin: (v.token ?? '') + '\n', onLine: io.line, survive: true });
    return outcomeOf(r, `Push Token: ${(v.token ?? '').split(':')[0]}:****, DCIP master: https://${v.host}${removedSaid(r)}`);
  },
};

/** What a change of mode removed, said after its summary. */
function removedSaid(r: { ok: boolean; value?: unknown }): string {
  const removed = r.ok ? (r.value as { removed?: unknown }).removed : undefined;
  return Array.isArray(removed) && removed.length > 0 ? ` (removed: ${removed.map((n) => planLabels[String(n)]?.label ?? String(n)).join(', ')})` : '';
}

export const masterPull: Op<'read' | 'check' | 'apply'> = {
  id: 'master.pull',
  async read(ctx) {
    return { token: (await state(ctx)).mode === 'pull' ? '****' : '', storedPushToken: (await storedSecrets(ctx)).storedPushToken };
  },
  async check(ctx, v): Promise<Checked> {
    const r = await run(ctx.runner, planOf(scripts.pull.name), ['--dry-run', ...removeOld(v)], { stdin: (v.token ?? '') + '\n' });
    return checkedByPlan(r, planLabels, planFields, 'token');
  },
  async apply(ctx, v, io) {
    const r = await run(ctx.runner, scripts.pull, removeOld(v), { stdin: (v.token ?? '') + '\n', onLine: io.line, survive: true });
    return outcomeOf(r, `Pull mode set: enter the same HMAC token on the master (System Config > Probes/vSensors > Add a pull probe)${removedSaid(r)}`);
  },
};

export const masterPush: Op<'read' | 'check' | 'apply'> = {
  id: 'master.push',
  async read(ctx) {
    const m = await state(ctx);
    const s = await storedSecrets(ctx);
    return { host: m.mode === 'push' || m.mode === 'push-token' ? m.host : '', storedSecrets: [s.storedPushToken && 'push token', s.storedPullHmac && 'Pull HMAC token'].filter(Boolean).join(' and ') };
  },
  async check(ctx, v): Promise<Checked> {
    // whether the name resolves with the configured DNS: only the script can say (and what it will store)
    const r = await run(ctx.runner, planOf(scripts.push.name), ['--dry-run', ...removeOld(v), v.host ?? '']);
    return checkedByPlan(r, planLabels, planFields, 'host');
  },
  async apply(ctx, v, io) {
    const r = await run(ctx.runner, scripts.push, [...removeOld(v), v.host ?? ''], { onLine: io.line, survive: true });
    return outcomeOf(r, `Push (legacy) mode set: master ${v.host}${removedSaid(r)}`);
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
          {
            name: 'removeOld',
            label: 'The Pull HMAC token stored for Pull mode',
            short: 'Stored Pull HMAC token',
            onlyIf: 'storedPullHmac',
            choices: keepOrRemove,
            help: 'Push Token mode does not use it. Keep it to switch back to Pull mode without entering it on the master again; remove it so no unused secret stays on disk.',
          },
        ],
        check: true,
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
          {
            name: 'removeOld',
            label: 'The push token stored for Push Token mode',
            short: 'Stored push token',
            onlyIf: 'storedPushToken',
            choices: keepOrRemove,
            help: 'Pull mode does not use it, and the master shows a push token only once: keep it to switch back to Push Token mode without a new token; remove it so no unused secret stays on disk.',
          },
        ],
        check: true,
        question: 'Confirm submission: do you want to set these?',
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
          {
            name: 'removeOld',
            label: 'Secrets stored for the other modes (push token, Pull HMAC token)',
            short: 'Stored secrets of the other modes',
            onlyIf: 'storedSecrets',
            choices: keepOrRemove,
            help: 'Legacy Push mode uses no secret. Keep them to switch back without entering them again (the master shows a push token only once); remove them so no unused secret stays on disk.',
          },
        ],
        check: true,
        question: 'Confirm submission: do you want to set these?',
        progress: 'Setting Push mode and restarting services',
        done: 'Done: legacy Push mode is set.',
      },
    },
    {
      key: '4',
      label: "Trust the master's certificate",
      help: "For a master whose certificate no authority here vouches for (often a self-signed one): shows its subject, validity and SHA-256 fingerprint; once trusted, every test of that master and the health check accept it, and refuse any other.",
      flow: {
        kind: 'form',
        op: masterTrust,
        fields: [
          { name: 'host', label: 'Master IP or hostname', short: 'Master', rule: masterHost, help: 'The master whose certificate to read, as the vSensor reaches it over HTTPS (optionally :PORT).' },
          { name: 'proxy', label: 'HTTP proxy (optional, http://HOST:PORT)', short: 'Proxy', rule: proxyUrl, help: 'Leave empty when the vSensor reaches the master directly.' },
        ],
        check: true,
        question: 'Trust this certificate for https://{host}?',
        progress: "Trusting the master's certificate",
        done: "Done: the master's certificate is trusted.",
      },
    },
  ],
};

/** --remove-old-secret: the other modes' stored secrets are removed (kept without it). */
const removeOption = (what: string): Record<string, OptionSpec> => ({
  'remove-old-secret': { type: 'boolean', help: `remove ${what} stored for another mode (kept without it: the master shows a push token only once)` },
});
const removeChosen = (opts: Record<string, string | boolean | undefined>): Values => ({ removeOld: opts['remove-old-secret'] === true ? 'remove' : 'keep' });

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
    options: {
      host: { type: 'string', value: 'H', help: "the master's host name or IP (optionally :PORT)" },
      proxy: { type: 'string', value: 'http://P:PORT', help: 'an HTTP proxy to the master' },
      ...removeOption('the Pull HMAC token'),
    },
    covers: [masterPushToken],
    async run(ctx, { opts }, out) {
      const values = { host: check(masterHost, need(opts.host, '--host', 'master set push-token'), '--host'), proxy: check(proxyUrl, str(opts.proxy) ?? '', '--proxy'), token: '', ...removeChosen(opts) };
      values.token = check(pushToken, await out.readSecret('push token (label:secret)'), 'push token');
      return report(out, await masterPushToken.apply(ctx, values, out.progress));
    },
  },
  {
    path: ['master', 'set', 'pull'],
    summary: 'Pull mode; the HMAC token is read from standard input',
    options: removeOption('the push token'),
    covers: [masterPull],
    async run(ctx, { opts }, out) {
      const token = check(hmacToken, await out.readSecret('pull-mode HMAC token'), 'HMAC token');
      return report(out, await masterPull.apply(ctx, { token, ...removeChosen(opts) }, out.progress));
    },
  },
  {
    path: ['master', 'set', 'push'],
    summary: 'legacy Push mode',
    options: { host: { type: 'string', value: 'H', help: "the master's IP, or a name that resolves" }, ...removeOption('the push token and the Pull HMAC token') },
    covers: [masterPush],
    async run(ctx, { opts }, out) {
      const host = check(masterHost, need(opts.host, '--host', 'master set push'), '--host');
      return report(out, await masterPush.apply(ctx, { host, ...removeChosen(opts) }, out.progress));
    },
  },
  {
    path: ['master', 'trust'],
    summary: "show the master's certificate (subject, validity, SHA-256), trust it (--fingerprint, as the master shows it), or forget it",
    more: ['--show [--host H] [--proxy URL]    the certificate the master presents; nothing changes', '--fingerprint SHA256 [--host H]    trust it, if the master presents exactly that one', '--remove                           trust it no more'],
    options: {
      host: { type: 'string', value: 'H', help: 'the master (default: the one set)' },
      proxy: { type: 'string', value: 'URL', help: 'through this HTTP proxy (default: the one set)' },
      show: { type: 'boolean', help: 'only show the certificate' },
      fingerprint: { type: 'string', value: 'SHA256', help: "the fingerprint the master shows (AA:BB:... or 64 hex digits)" },
      remove: { type: 'boolean', help: 'forget the trusted certificate' },
    },
    covers: [masterTrust, masterTrustAndTest],
    writes: true,
    async run(ctx, { opts }, out) {
      const modes = (['show', 'fingerprint', 'remove'] as const).filter((k) => opts[k] !== undefined && opts[k] !== false);
      if (modes.length !== 1) throw new UsageError('give one of --show, --fingerprint SHA256 (as the master shows it) or --remove');
      if (opts.remove === true) {
        const r = await run(ctx.runner, scripts.forget, ['--remove'], { onLine: out.progress.line });
        return report(out, outcomeOf(r, (v) => (v.removed ? "The master's certificate is no longer trusted." : 'No master certificate was trusted.')));
      }
      const m = await state(ctx);
      const given = str(opts.host);
      if (!(given ?? m.host)) throw new UsageError('no master host is set: give --host');
      const host = check(masterHost, given ?? m.host, '--host');
      const proxy = check(proxyUrl, str(opts.proxy) ?? (given === undefined && m.mode === 'push-token' ? m.proxy : ''), '--proxy');
      if (opts.show === true) {
        const r = await run(ctx.runner, scripts.trust, ['--show', host, ...(proxy ? [proxy] : [])]);
        if (!r.ok) return report(out, outcomeOf(r, ''));
        out.print(r.value, [`https://${host}${r.value.trusted ? ' (trusted)' : ''}`, ...certificateLines(r.value.certificate)].join('\n'));
        return EXIT.ok;
      }
      return report(out, await trustMaster(ctx, host, proxy, str(opts.fingerprint) ?? '', out.progress));
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
